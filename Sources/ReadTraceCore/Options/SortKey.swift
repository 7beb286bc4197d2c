/// How rows are ordered in the live view and the summary.
public enum SortKey: String, CaseIterable, Sendable {
    /// Bytes in the last interval (live view); bytes over the run (summary).
    case bytes
    /// Bytes since the start.
    case total
    /// Read calls (in the interval in the live view, over the run in the summary).
    case reads
    /// 99th-percentile latency.
    case p99
    case pid
    /// The file's path.
    case file
}
