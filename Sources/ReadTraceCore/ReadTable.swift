/// What a row of the live view and the summary stands for: a process, or every process of
/// a container or of a pod, reading one file.
public enum GroupBy: String, CaseIterable, Sendable {
    case process, container, pod
}

/// One (process, file) row as the live view and the summary show it, or one (group, file)
/// row folded from several.
struct ReadRow: Sendable {
    var key: ReadKey
    var comm: String
    /// The container or pod (or, outside one, the process) when rows are grouped.
    var group = ""

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
    static let group = Column(title: "GROUP", width: 22) { $0.group }
    /// The columns naming who read: the process, or its group.
    static func readers(_ grouping: GroupBy) -> [Column] { grouping == .process ? [.pid, .comm] : [.group] }
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
            let leftAligned = column.title == "COMM" || column.title == "GROUP"
            let fitted = leftAligned ? String(cell.prefix(column.width)) : cell
            let padding = String(repeating: " ", count: max(0, column.width - fitted.count))
            text += (leftAligned ? fitted + padding : padding + fitted) + " "
        }
        let room = max(0, width - text.count)
        return String((text + TextFormat.elidePath(file, toWidth: room)).prefix(width))
    }
}

extension FileRecord {
    /// The path as a table shows it.
    var tablePath: String { deleted ? displayPath + " (deleted)" : displayPath }
}

extension ReadRow {
    /// Folds the rows of one group reading one file into one row; by process, rows stay as they are.
    static func grouped(_ rows: [ReadRow], by grouping: GroupBy, in aggregate: TraceAggregate) -> [ReadRow] {
        guard grouping != .process else { return rows }
        var folded: [String: ReadRow] = [:]
        var order: [String] = []
        for var row in rows {
            row.group = aggregate.groupLabel(of: row.key.pid, by: grouping)
            let key = row.group + "\u{0}" + row.path
            guard var existing = folded[key] else {
                folded[key] = row
                order.append(key)
                continue
            }
            existing.key.pid = min(existing.key.pid, row.key.pid)
            existing.calls += row.calls
            existing.bytes += row.bytes
            existing.errors += row.errors
            existing.cacheMissBytes += row.cacheMissBytes
            existing.blockBytes += row.blockBytes
            existing.totalBytes += row.totalBytes
            existing.latency.merge(row.latency)
            existing.blockLatency.merge(row.blockLatency)
            existing.seconds = max(existing.seconds, row.seconds)
            existing.active = existing.active || row.active
            folded[key] = existing
        }
        return order.compactMap { folded[$0] }
    }
}

extension TraceAggregate {
    func comm(of pid: Int32) -> String { processes[pid]?.record.comm ?? "?" }

    /// "pod 0b9f3c2e-6d1a-…" or "ctr 4f5d9c1e2b3a"; a process outside any pod or container
    /// stands for itself.
    func groupLabel(of pid: Int32, by grouping: GroupBy) -> String {
        let identity = processes[pid]?.cgroupPath.map(ContainerIdentity.init(cgroupPath:))
        switch grouping {
        case .pod: if let pod = identity?.podUID { return "pod " + pod }
        case .container: if let container = identity?.containerID { return "ctr " + container.prefix(12) }
        case .process: break
        }
        return "\(comm(of: pid)) \(pid)"
    }

    func tablePath(of file: FileID) -> String {
        (files[file] ?? .unnamed(file)).tablePath
    }

    func isShown(_ file: FileID, by filter: PathFilter) -> Bool {
        filter.matches(files[file]?.path ?? [])
    }
}
