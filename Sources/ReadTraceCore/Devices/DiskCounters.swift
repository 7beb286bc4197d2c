/// Cumulative counters of one block device from /proc/diskstats
/// (Documentation/admin-guide/iostats.rst). Sectors are 512 bytes whatever the device.
public struct DiskCounters: Sendable, Equatable {
    public var reads: UInt64 = 0
    public var readsMerged: UInt64 = 0
    public var sectorsRead: UInt64 = 0
    public var readMilliseconds: UInt64 = 0
    public var writes: UInt64 = 0
    public var writesMerged: UInt64 = 0
    public var sectorsWritten: UInt64 = 0
    public var writeMilliseconds: UInt64 = 0
    public var inFlight: UInt64 = 0
    /// Time with at least one request in flight: the basis of %util.
    public var ioMilliseconds: UInt64 = 0
    /// Time in flight summed over requests: the basis of aqu-sz.
    public var weightedMilliseconds: UInt64 = 0
    public var discards: UInt64 = 0
    public var sectorsDiscarded: UInt64 = 0
    public var discardMilliseconds: UInt64 = 0
    public var flushes: UInt64 = 0
    public var flushMilliseconds: UInt64 = 0

    public init() {}
}
