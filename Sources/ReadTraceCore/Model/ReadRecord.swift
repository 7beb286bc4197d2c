/// One finished read-family call, as the kernel reported it.
public struct ReadRecord: Sendable {
    public var pid: Int32
    public var threadID: Int32
    public var file: FileID
    /// CLOCK_MONOTONIC when the call returned.
    public var endNanoseconds: UInt64
    /// Entry to return; nil where the hook does not time calls (light).
    public var latencyNanoseconds: UInt64?
    /// Bytes returned, or a negated errno.
    public var result: Int64
    /// Bytes added to the page cache while the call ran (itself or its readahead): read from the device.
    public var cacheMissBytes: UInt64

    public init(
        pid: Int32, threadID: Int32, file: FileID, endNanoseconds: UInt64, latencyNanoseconds: UInt64?, result: Int64,
        cacheMissBytes: UInt64 = 0
    ) {
        self.pid = pid
        self.threadID = threadID
        self.file = file
        self.endNanoseconds = endNanoseconds
        self.latencyNanoseconds = latencyNanoseconds
        self.result = result
        self.cacheMissBytes = cacheMissBytes
    }
}
