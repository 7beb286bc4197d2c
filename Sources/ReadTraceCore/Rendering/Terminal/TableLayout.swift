/// Lays rows out in columns within a width; the FILE column takes what is left and
/// long paths lose the middle of their directories.
struct TableLayout {
    static let minimumFileWidth = 30

    var columns: [Column]
    let width: Int

    /// Drops columns in `droppable` order until FILE gets at least its minimum width.
    init(columns: [Column], droppable: [String], width: Int) {
        var kept = columns
        for title in droppable where Self.fileWidth(kept, width) < Self.minimumFileWidth {
            kept.removeAll { $0.title == title }
        }
        self.columns = kept
        self.width = width
    }

    private static func fileWidth(_ columns: [Column], _ width: Int) -> Int {
        width - columns.reduce(0) { $0 + $1.width + 1 }
    }

    func header() -> String { line(columns.map(\.title), file: "FILE") }

    func render(_ row: ReadRow) -> String { line(columns.map { $0.cell(row) }, file: row.path) }

    private func line(_ cells: [String], file: String) -> String {
        var text = ""
        for (column, cell) in zip(columns, cells) {
            let leftAligned = column.title == "COMM" || column.title == "GROUP"
            let fitted = leftAligned ? String(cell.prefix(column.width)) : cell
            let padding = String(repeating: " ", count: max(0, column.width - fitted.count))
            text += (leftAligned ? fitted + padding : padding + fitted) + " "
        }
        let room = max(0, width - text.count)
        return String((text + TextFormat.elidePath(file, toWidth: room)).prefix(width))
    }
}
