/// What block devices completed for one process's requests for one file, how long its
/// reads waited with the device's data missing from the page cache, and what its prefetch
/// calls brought in (rare, like the rest: kept here so an entry stays small).
struct BlockReads: EmptyInitializable, Sendable, Equatable {
    var bytes: UInt64 = 0
    var requests: UInt64 = 0
    /// Per request: creation to completion, and issue to completion (when the issue was seen).
    var latency = LatencyHistogram()
    var serviceLatency = LatencyHistogram()
    var timeline = Timeline()
    var deviceWaitNanoseconds: UInt64 = 0
    var prefetchBytes: UInt64 = 0
}
