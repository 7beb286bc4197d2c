/// Page-cache bytes a traced process brought in for a file outside a timed read call, or
/// mapped from it through page faults.
public struct FaultFillRecord: Sendable {
    /// What brought the pages in.
    public enum Cause: Sendable {
        /// A page fault on a mapped file.
        case fault
        /// A read the light hook saw (it has no call to count misses in).
        case read
        /// Not a fill: pages a fault mapped into the process's page tables, cached or not.
        case mapped
        /// A prefetch call (readahead, fadvise or madvise WILLNEED, MADV_POPULATE_READ,
        /// MAP_POPULATE): the pages it brought in, 0 when they were cached.
        case prefetch
    }

    public var pid: Int32
    public var file: FileID
    public var bytes: UInt64
    public var endNanoseconds: UInt64
    public var cause: Cause

    public init(pid: Int32, file: FileID, bytes: UInt64, endNanoseconds: UInt64, cause: Cause = .fault) {
        self.pid = pid
        self.file = file
        self.bytes = bytes
        self.endNanoseconds = endNanoseconds
        self.cause = cause
    }
}
