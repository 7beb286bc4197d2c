/// What one refresh interval added to a (process, file).
public struct IntervalStats: Sendable, Equatable {
    public var calls: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Page-cache misses of the calls, and of page faults on the mapped file.
    public var cacheMissBytes: UInt64 = 0
    public var latency = LatencyHistogram()
    public var blockBytes: UInt64 { block.value.bytes }
    public var blockLatency: LatencyHistogram { block.value.latency }
    /// Bytes and request latency only; allocated for the entries that did block IO.
    private var block = LazilyAllocated<BlockReads>()

    public init() {}
}

extension IntervalStats {
    mutating func apply(_ read: ReadRecord) {
        cacheMissBytes += read.cacheMissBytes
        guard read.result >= 0 else { return }
        calls += 1
        bytes += UInt64(read.result)
        if let callLatency = read.latencyNanoseconds { latency.record(callLatency) }
    }

    mutating func apply(_ record: BlockRecord) {
        block.value.bytes += record.bytes
        if record.completesRequest { block.value.latency.record(record.queuedNanoseconds) }
    }
}
