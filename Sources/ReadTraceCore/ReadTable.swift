/// One (process, file) row as the live view and the summary show it.
struct ReadRow: Sendable {
    var key: ReadKey
    var comm: String
    var path: String
    var calls: UInt64
    var bytes: UInt64
    var errors: UInt64
    var cacheMissBytes: UInt64
    /// Bytes block devices completed for these reads, and each request's latency.
    var blockBytes: UInt64
    var blockLatency: LatencyHistogram
    var totalBytes: UInt64
    var latency: LatencyHistogram
    /// Seconds the figures cover, for MB/s; 0 when unknown.
    var seconds: Double
    /// False for rows that had no reads in the interval (live view only).
    var active: Bool

    /// Row order for `sort`; ties broken by pid, then path, so the order is stable.
    static func areInOrder(_ lhs: ReadRow, _ rhs: ReadRow, by sort: SortKey) -> Bool {
        if lhs.active != rhs.active { return lhs.active }
        func descending<T: Comparable>(_ left: T, _ right: T) -> Bool? { left == right ? nil : left > right }
        let decided: Bool? = switch sort {
        case .bytes: descending(lhs.bytes, rhs.bytes) ?? descending(lhs.totalBytes, rhs.totalBytes)
        case .total: descending(lhs.totalBytes, rhs.totalBytes)
        case .reads: descending(lhs.calls, rhs.calls)
        case .p99: descending(lhs.latency.percentile(0.99), rhs.latency.percentile(0.99))
        case .pid: nil
        case .file: lhs.path == rhs.path ? nil : lhs.path < rhs.path
        }
        if let decided { return decided }
        if lhs.key.pid != rhs.key.pid { return lhs.key.pid < rhs.key.pid }
        return lhs.path < rhs.path
    }
}

/// A table column: a title and how to render a row's cell. FILE is always last and flexible.
struct Column: Sendable {
    var title: String
    var width: Int
    var cell: @Sendable (ReadRow) -> String

    static let pid = Column(title: "PID", width: 7) { "\($0.key.pid)" }
    static let comm = Column(title: "COMM", width: 15) { $0.comm }
    static let reads = Column(title: "READS", width: 6) { $0.active ? TextFormat.count(Double($0.calls)) : "-" }
    static let errors = Column(title: "ERRS", width: 5) { TextFormat.count(Double($0.errors)) }
    static let bytes = Column(title: "BYTES", width: 6) { $0.active ? TextFormat.bytes($0.bytes) : "-" }
    static let rate = Column(title: "MB/s", width: 8) {
        $0.active ? TextFormat.megabytesPerSecond(bytes: $0.bytes, seconds: $0.seconds) : "-"
    }
    static let total = Column(title: "TOTAL", width: 6) { TextFormat.bytes($0.totalBytes) }
    /// Bytes that had to come from the device: added to the page cache by these reads.
    static let cacheMiss = Column(title: "MISS", width: 6) { $0.active ? TextFormat.bytes($0.cacheMissBytes) : "-" }

    /// Bytes block devices read for the process and file.
    static let disk = Column(title: "DISK", width: 6) { $0.active ? TextFormat.bytes($0.blockBytes) : "-" }

    static func latency(_ title: String, _ fraction: Double) -> Column {
        Column(title: title, width: 7) { $0.latency.count > 0 ? TextFormat.duration(nanoseconds: $0.latency.percentile(fraction)) : "-" }
    }

    /// A percentile of the block requests' latency (created to completed): the time spent waiting on the device.
    static func diskLatency(_ title: String, _ fraction: Double) -> Column {
        Column(title: title, width: 7) {
            $0.blockLatency.count > 0 ? TextFormat.duration(nanoseconds: $0.blockLatency.percentile(fraction)) : "-"
        }
    }

    static let maximum = Column(title: "MAX", width: 7) {
        $0.latency.count > 0 ? TextFormat.duration(nanoseconds: $0.latency.maxNanoseconds) : "-"
    }
}

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
            let fitted = column.title == "COMM" ? String(cell.prefix(column.width)) : cell
            let padding = String(repeating: " ", count: max(0, column.width - fitted.count))
            text += (column.title == "COMM" ? fitted + padding : padding + fitted) + " "
        }
        let room = max(0, width - text.count)
        return String((text + TextFormat.elidePath(file, toWidth: room)).prefix(width))
    }
}

extension FileRecord {
    /// The path as a table shows it.
    var tablePath: String { deleted ? displayPath + " (deleted)" : displayPath }
}

extension TraceAggregate {
    func comm(of pid: Int32) -> String { processes[pid]?.record.comm ?? "?" }

    func tablePath(of file: FileID) -> String {
        (files[file] ?? .unnamed(file)).tablePath
    }

    func isShown(_ file: FileID, by filter: PathFilter) -> Bool {
        filter.matches(files[file]?.path ?? [])
    }
}
