/// A column of the live view and the summary, identified by its case; the title is only what
/// the header shows. FILE is always last and takes the width the others leave.
enum Column: CaseIterable, Sendable {
    case state, pid, comm, group, pod, reads, errors, bytes, rate, cacheMiss, disk, p50, p90, p99, maximum
    case disk50, disk99, prefetch, total, size, done, eta, file

    var title: String {
        switch self {
        case .state: "S"
        case .pid: "PID"
        case .comm: "COMM"
        case .group: "GROUP"
        case .pod: "POD"
        case .reads: "READS"
        case .errors: "ERRS"
        case .bytes: "BYTES"
        case .rate: "MiB/s"
        case .cacheMiss: "MISS"
        case .disk: "DISK"
        case .p50: "P50"
        case .p90: "P90"
        case .p99: "P99"
        case .maximum: "MAX"
        case .disk50: "DISK50"
        case .disk99: "DISK99"
        case .prefetch: "PREFETCH"
        case .total: "TOTAL"
        case .size: "SIZE"
        case .done: "DONE"
        case .eta: "ETA"
        case .file: "FILE"
        }
    }

    /// Characters the cells take; FILE's is its least.
    var width: Int {
        switch self {
        case .state: 1
        case .pid: 7
        case .comm: 15
        case .group: 22
        case .pod: 8
        case .reads, .bytes, .cacheMiss, .disk, .total, .size, .rate: 6
        case .errors, .eta: 5
        case .done: 4
        case .prefetch: 8
        case .p50, .p90, .p99, .maximum, .disk50, .disk99: 7
        case .file: 28
        }
    }

    /// Names read left to right; numbers line up on the right.
    var isLeftAligned: Bool { [.comm, .group, .pod, .file].contains(self) }

    /// What the column shows: the help overlay, and the README's column table (a test keeps them equal).
    var meaning: String {
        switch self {
        case .state: "R read in the last interval, I idle, E the process has ended"
        case .pid: "process id; a row is one process reading one file"
        case .comm: "process name (the kernel keeps 15 characters)"
        case .group: "pod or container (--group-by) whose processes read the file"
        case .pod: "pod uid, first 8 characters (when a process is in a pod)"
        case .reads: "read calls in the interval (live view) or the run (summary)"
        case .errors: "read calls that failed"
        case .bytes: "bytes read in the interval or the run; K/M/G: KiB/MiB/GiB"
        case .rate: "BYTES per second in MiB/s; - for a file read in under 0.1 s"
        case .cacheMiss: "bytes the reads and faults brought into the page cache"
        case .disk: "bytes block devices read for this process and file"
        case .p50: "median read-call latency, entry to return"
        case .p90: "90th-percentile read-call latency"
        case .p99: "99th-percentile read-call latency"
        case .maximum: "slowest read call"
        case .disk50: "median block-request latency: the wait on the device"
        case .disk99: "99th-percentile block-request latency"
        case .prefetch: "bytes prefetch calls (readahead, fadvise, madvise) brought into the page cache, not read"
        case .total: "bytes read since tracing began"
        case .size: "the file's size when first read"
        case .done: "TOTAL as a share of SIZE: how much of the file is loaded"
        case .eta: "time to load the rest of the file at the interval's rate"
        case .file: "full path; (deleted) once the file is removed"
        }
    }

    /// The column `sort` orders by, and whether that order is ascending.
    static func sorted(by sort: SortKey, grouping: GroupBy) -> (column: Column, ascending: Bool) {
        switch sort {
        case .bytes: (.bytes, false)
        case .total: (.total, false)
        case .reads: (.reads, false)
        case .p99: (.p99, false)
        case .pid: (grouping == .process ? .pid : .group, true)
        case .file: (.file, true)
        }
    }

    /// The columns naming who read: the process, or its group.
    static func readers(_ grouping: GroupBy) -> [Column] { grouping == .process ? [.pid, .comm] : [.group] }

    /// A row's cell; blank where a column means nothing for a line that sums rows.
    func cell(_ row: ReadRow) -> String {
        if row.isSum && [.state, .pid, .comm, .pod, .size, .done, .eta].contains(self) { return "" }
        let interval = row.active ? row : nil
        switch self {
        case .state: return row.ended ? "E" : row.active ? "R" : "I"
        case .pid: return "\(row.key.pid)"
        case .comm: return row.comm
        case .group: return row.group
        case .pod: return row.pod ?? "-"
        case .reads: return interval.map { TextFormat.count(Double($0.calls)) } ?? "-"
        case .errors: return TextFormat.count(Double(row.errors))
        case .bytes: return interval.map { TextFormat.bytes($0.bytes) } ?? "-"
        case .rate: return interval.flatMap { $0.mebibytesPerSecond.map(TextFormat.rate) } ?? "-"
        case .cacheMiss: return interval.map { TextFormat.bytes($0.cacheMissBytes) } ?? "-"
        case .disk: return interval.map { TextFormat.bytes($0.blockBytes) } ?? "-"
        case .p50: return Self.percentile(row.latency, 0.5)
        case .p90: return Self.percentile(row.latency, 0.9)
        case .p99: return Self.percentile(row.latency, 0.99)
        case .maximum: return row.latency.count > 0 ? TextFormat.duration(nanoseconds: row.latency.maxNanoseconds) : "-"
        case .disk50: return Self.percentile(row.blockLatency, 0.5)
        case .disk99: return Self.percentile(row.blockLatency, 0.99)
        case .prefetch: return TextFormat.bytes(row.prefetchBytes)
        case .total: return TextFormat.bytes(row.totalBytes)
        case .size: return row.fileBytes > 0 ? TextFormat.bytes(row.fileBytes) : "-"
        case .done: return row.loadedFraction.map { TextFormat.fixed(($0 * 100).rounded(.down), decimals: 0) + "%" } ?? "-"
        case .eta: return row.secondsToLoad.map { TextFormat.remaining(seconds: $0) } ?? "-"
        case .file: return row.path
        }
    }

    private static func percentile(_ latency: LatencyHistogram, _ fraction: Double) -> String {
        latency.count > 0 ? TextFormat.duration(nanoseconds: latency.percentile(fraction)) : "-"
    }
}
