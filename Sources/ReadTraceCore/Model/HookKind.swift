/// Which kernel hooks deliver the reads.
public enum HookKind: String, Codable, Sendable, CaseIterable {
    case fentry
    case kprobe
    case tracepoint
    /// The page cache's own tracepoint instead of the read calls: no syscall tracepoints.
    case light

    /// Whether each read call is seen and timed; the light hook sees buffered reads as page ranges.
    public var timesReads: Bool { self != .light }

    /// What the reads' figures mean with this hook, for the dump and the summary.
    public var accuracy: String {
        switch self {
        case .tracepoint, .fentry, .kprobe:
            Self.everyCall + "; io_uring and Linux AIO reads timed from submission to completion (a direct AIO read's "
                + "completion when io_getevents reaps it); prefetch calls (readahead, fadvise or madvise WILLNEED, "
                + "MADV_POPULATE_READ, MAP_POPULATE) in prefetch_bytes"
        case .light:
            "buffered reads as the page cache saw them: bytes in whole pages clipped at the end of the file, "
                + "no per-call latency (latency fields are null), direct IO not seen; sendfile, splice, copy_file_range, "
                + "io_uring and AIO reads seen only as buffered page-cache reads; prefetch calls not seen"
                + "; mapped files as with every hook (faults are hooked apart from reads)"
        }
    }

    private static let everyCall = "every read-family call on a regular file: exact bytes, errors and entry-to-return latency"
}
