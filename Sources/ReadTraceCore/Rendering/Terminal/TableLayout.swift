/// Lays rows out in columns within a width; the FILE column takes what is left and
/// long paths lose the middle of their directories.
struct TableLayout {
    /// The columns shown, FILE last.
    let columns: [Column]
    /// Columns left out for want of width.
    let hidden: [Column]
    let width: Int
    /// The column rows are ordered by, marked in the header.
    var sortedBy: (column: Column, ascending: Bool)?

    /// Drops columns in `dropOrder` until FILE gets at least its least width; the others always stay.
    init(columns: [Column], dropOrder: [Column], width: Int, sortedBy: (column: Column, ascending: Bool)? = nil) {
        var kept = columns.filter { $0 != .file }
        var hidden: [Column] = []
        for column in dropOrder where column != sortedBy?.column && Self.fileWidth(kept, width) < Column.file.width {
            guard let index = kept.firstIndex(of: column) else { continue }
            hidden.append(kept.remove(at: index))
        }
        self.columns = kept + [.file]
        self.hidden = hidden
        self.width = width
        self.sortedBy = sortedBy
    }

    private static func fileWidth(_ columns: [Column], _ width: Int) -> Int {
        width - columns.reduce(0) { $0 + $1.width + 1 }
    }

    /// The titles, the sort column's marked ▼ (descending) or ▲; `fileNote` follows FILE's title.
    func header(fileNote: String = "") -> String {
        line(
            columns.map { column in
                guard let sortedBy, sortedBy.column == column else { return column == .file ? column.title + fileNote : column.title }
                let arrow = sortedBy.ascending ? "▲" : "▼"
                return column.isLeftAligned ? column.title + arrow + (column == .file ? fileNote : "") : arrow + column.title
            })
    }

    func render(_ row: ReadRow) -> String { line(columns.map { $0.cell(row) }) }

    /// Every cell's text passes here: the one place a cell is fitted to its column. Names arrive
    /// escaped (`TraceAggregate.comm`, `tablePath`: `TerminalText`).
    private func line(_ cells: [String]) -> String {
        var text = ""
        for (column, cell) in zip(columns, cells) {
            if column == .file {
                text += TextFormat.elidePath(cell, toWidth: max(0, width - text.count))
                break
            }
            let fitted = column.isLeftAligned ? String(cell.prefix(column.width)) : cell
            let padding = String(repeating: " ", count: max(0, column.width - fitted.count))
            text += (column.isLeftAligned ? fitted + padding : padding + fitted) + " "
        }
        return String(text.prefix(width))
    }
}
