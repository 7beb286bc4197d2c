/// A table of plain text within a width: columns of fixed width, then a path that takes the
/// width left. Columns are hidden, in a given order, until the path has its least width.
/// `report`, `diff` and `baseline check` draw their tables with it; cells arrive escaped.
struct TextTable<Row> {
    struct Column {
        var title: String
        var width: Int
        var leftAligned = false
        var cell: (Row) -> String
    }

    static var minimumPathWidth: Int { 24 }

    private(set) var columns: [Column]
    /// Titles of the columns hidden for want of width.
    private(set) var hidden: [String] = []
    let pathTitle: String
    let path: (Row) -> String
    let width: Int

    init(_ columns: [Column], pathTitle: String, path: @escaping (Row) -> String, width: Int, droppable: [String]) {
        self.columns = columns
        self.pathTitle = pathTitle
        self.path = path
        self.width = width
        for title in droppable where pathWidth < Self.minimumPathWidth {
            guard columns.contains(where: { $0.title == title }) else { continue }
            self.columns.removeAll { $0.title == title }
            hidden.append(title)
        }
    }

    private var pathWidth: Int { max(1, width - columns.reduce(0) { $0 + $1.width + 1 }) }

    var header: String { line(columns.map(\.title), path: pathTitle) }

    func line(_ row: Row) -> String { line(columns.map { $0.cell(row) }, path: path(row)) }

    private func line(_ cells: [String], path: String) -> String {
        let text = zip(columns, cells).map { column, cell in
            let fitted = TextFormat.fit(cell, width: column.width)
            let padding = String(repeating: " ", count: column.width - fitted.count)
            return column.leftAligned ? fitted + padding : padding + fitted
        }.joined(separator: " ")
        return (text.isEmpty ? "" : text + " ") + Self.pathCell(path, width: pathWidth)
    }

    /// The path in `width` characters; when even the file name does not fit beside a directory,
    /// the name alone, so that shards like model-00001-of-00002 and model-00002-of-00002 stay apart.
    static func pathCell(_ path: String, width: Int) -> String {
        let elided = TextFormat.elidePath(path, toWidth: width)
        guard path.count > width, let name = path.split(separator: "/").last, !elided.hasSuffix("/" + name) else { return elided }
        return name.count < width ? "…" + name : TextFormat.elideMiddle(String(name), toWidth: width)
    }
}
