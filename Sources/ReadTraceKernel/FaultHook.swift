/// How page faults on mapped files are seen, the best way the kernel offers: which hook names
/// the file a fault is on (its page-cache additions count as `mmap_fault_bytes`), and whether
/// the pages faults map are counted (`mapped_bytes`, which a warm mapped load needs).
public struct FaultHook: Equatable, Sendable {
    public enum Naming: String, Sendable {
        /// mm_filemap_fault (6.10+).
        case tracepoint
        /// fentry, else a kprobe, on filemap_fault.
        case fentry, kprobe
        /// exceptions:page_fault_user with bpf_find_vma (x86, 5.17+): tracepoints only.
        case pageFaultTracepoint
    }

    /// nil: faults on mapped files are not seen.
    public let naming: Naming?
    /// rss_stat reports exact counters (6.2+) and mm_filemap_map_pages names fault-around's file (6.10+).
    public let countsMappedBytes: Bool

    public init(_ features: KernelFeatures) {
        naming =
            if features.has(.filemapFault) {
                .tracepoint
            } else if features.has(.fentry) {
                .fentry
            } else if features.has(.kprobes) {
                .kprobe
            } else if features.has(.pageFaultUser), features.has(.findVMA) {
                .pageFaultTracepoint
            } else {
                nil
            }
        countsMappedBytes = naming != nil && features.has(.exactRSSStat) && features.has(.filemapMapPages)
    }
}
