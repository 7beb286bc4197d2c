/// One (process, file) row as the live view and the summary show it, one (group, file) row
/// folded from several, or a line summing rows.
struct ReadRow: Sendable {
    var key: ReadKey
    var comm: String
    /// The container or pod (or, outside one, the process) when rows are grouped.
    var group = ""
    /// The pod's uid, shortened, when the process is in one.
    var pod: String?

    var path: String
    var calls: UInt64 = 0
    var bytes: UInt64 = 0
    var errors: UInt64 = 0
    var cacheMissBytes: UInt64 = 0
    /// Bytes block devices completed for these reads, and each request's latency.
    var blockBytes: UInt64 = 0
    var blockLatency = LatencyHistogram()
    /// Bytes the processes' prefetch calls brought in over the run (summary only: not read bytes).
    var prefetchBytes: UInt64 = 0
    var totalBytes: UInt64 = 0
    var latency = LatencyHistogram()
    /// Seconds the figures cover, for MiB/s.
    var seconds: Double = 0
    /// False for rows that had no reads in the interval (live view only).
    var active = true
    /// The first and last read over the run (CLOCK_MONOTONIC): how long the file took, and how long it has been idle.
    var firstReadNanoseconds: UInt64 = .max
    var lastReadNanoseconds: UInt64 = 0
    /// The file's size when first read (0: unknown), and what these processes read and faulted in of it.
    var fileBytes: UInt64 = 0
    var loadedBytes: UInt64 = 0
    /// Every process of the row has ended (live view only).
    var ended = false
    /// A line summing rows rather than one reader of one file.
    var isSum = false
}

extension ReadRow {
    /// Rates of reads spread over less than this are noise (a small file read in a millisecond).
    static let minimumRateNanoseconds = Timeline.bucketNanoseconds

    /// One row per (process, file) the path filter shows: figures of the interval when one is
    /// given (the live view), of the whole run otherwise (the summary).
    static func rows(
        of aggregate: TraceAggregate, shownBy pathFilter: PathFilter,
        interval: (stats: InsertionOrderedTable<ReadKey, IntervalStats>, seconds: Double)? = nil
    ) -> [ReadRow] {
        // A process's pod once per process, not per file it read.
        var pods: [Int32: String?] = [:]
        return aggregate.reads.compactMap { key, stats -> ReadRow? in
            guard aggregate.isShown(key.file, by: pathFilter) else { return nil }
            let file = aggregate.files[key.file]
            let pod = pods[key.pid] ?? aggregate.podLabel(of: key.pid)
            pods[key.pid] = pod
            var row = ReadRow(
                key: key, comm: aggregate.comm(of: key.pid), pod: pod,
                path: aggregate.tablePath(of: key.file), errors: stats.errors, totalBytes: stats.bytes,
                firstReadNanoseconds: stats.firstStartNanoseconds, lastReadNanoseconds: stats.lastEndNanoseconds,
                fileBytes: file?.sizeBytes ?? 0, loadedBytes: stats.bytes + stats.mappedLoadBytes)
            if let interval {
                let recent = interval.stats[key]
                row.calls = recent?.calls ?? 0
                row.bytes = recent?.bytes ?? 0
                row.cacheMissBytes = recent?.cacheMissBytes ?? 0
                row.blockBytes = recent?.blockBytes ?? 0
                row.blockLatency = recent?.blockLatency ?? LatencyHistogram()
                row.latency = recent?.latency ?? LatencyHistogram()
                row.seconds = interval.seconds
                row.active = recent != nil
            } else {
                row.calls = stats.calls
                row.bytes = stats.bytes
                row.cacheMissBytes = stats.cacheMissBytes + stats.mmapFaultBytes
                row.blockBytes = stats.blockReadBytes
                row.blockLatency = stats.blockLatency
                row.prefetchBytes = stats.prefetchBytes
                row.latency = stats.latency
                row.seconds = Double(row.spanNanoseconds) / 1e9
            }
            return row
        }
    }

    var spanNanoseconds: UInt64 {
        lastReadNanoseconds > firstReadNanoseconds ? lastReadNanoseconds - firstReadNanoseconds : 0
    }

    /// BYTES per second in MiB/s; nil without a time span, or for reads spread over less than a timeline bucket.
    var mebibytesPerSecond: Double? {
        guard seconds > 0, spanNanoseconds >= Self.minimumRateNanoseconds else { return nil }
        return Double(bytes) / seconds / 1_048_576
    }

    /// How much of the file is loaded, at most all of it; nil when its size is unknown.
    var loadedFraction: Double? {
        fileBytes > 0 ? min(1, Double(loadedBytes) / Double(fileBytes)) : nil
    }

    /// Seconds until the rest of the file is loaded at this interval's rate; nil when it is
    /// loaded, idle or of unknown size.
    var secondsToLoad: Double? {
        guard active, bytes > 0, seconds > 0, fileBytes > loadedBytes else { return nil }
        return Double(fileBytes - loadedBytes) / (Double(bytes) / seconds)
    }

    /// Adds another row's figures to this one's: folding a group, or summing rows into one line.
    mutating func add(_ other: ReadRow) {
        key.pid = min(key.pid, other.key.pid)
        calls += other.calls
        bytes += other.bytes
        errors += other.errors
        cacheMissBytes += other.cacheMissBytes
        blockBytes += other.blockBytes
        prefetchBytes += other.prefetchBytes
        totalBytes += other.totalBytes
        loadedBytes += other.loadedBytes
        latency.merge(other.latency)
        blockLatency.merge(other.blockLatency)
        seconds = max(seconds, other.seconds)
        active = active || other.active
        firstReadNanoseconds = min(firstReadNanoseconds, other.firstReadNanoseconds)
        lastReadNanoseconds = max(lastReadNanoseconds, other.lastReadNanoseconds)
        ended = ended && other.ended
    }

    /// One line summing `rows`; its path is for saying what it stands for.
    static func sum(of rows: some Sequence<ReadRow>) -> ReadRow {
        var sum = ReadRow(
            key: ReadKey(pid: .max, file: FileID(device: DeviceNumber(major: 0, minor: 0), inode: 0)),
            comm: "", path: "", active: false, isSum: true)
        for row in rows { sum.add(row) }
        return sum
    }

    /// Row order for `sort`; ties broken by pid, then path, so the order is stable.
    static func areInOrder(_ lhs: ReadRow, _ rhs: ReadRow, by sort: SortKey) -> Bool {
        if lhs.active != rhs.active { return lhs.active }
        func descending<T: Comparable>(_ left: T, _ right: T) -> Bool? { left == right ? nil : left > right }
        let decided: Bool? =
            switch sort {
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

    /// Folds the rows of one group reading one file into one row; by process, rows stay as they are.
    static func grouped(_ rows: [ReadRow], by grouping: GroupBy, in aggregate: TraceAggregate) -> [ReadRow] {
        guard grouping != .process else { return rows }
        var folded: [GroupedKey: ReadRow] = [:]
        var order: [GroupedKey] = []
        for var row in rows {
            row.group = aggregate.groupLabel(of: row.key.pid, by: grouping)
            let key = GroupedKey(group: row.group, path: row.path)
            if folded[key]?.add(row) == nil {
                folded[key] = row
                order.append(key)
            }
        }
        return order.compactMap { folded[$0] }
    }

    private struct GroupedKey: Hashable {
        var group: String
        var path: String
    }
}
