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
