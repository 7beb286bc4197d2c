/// One process's reads of files outside the agent's selection, as the kernel counts them
/// (never sent as records): totals since the process's first such read.
public struct ProcessReadCounts: Sendable, Equatable {
    public var readBytes: UInt64
    public var readCalls: UInt64
    public var readErrors: UInt64
    public var cacheMissBytes: UInt64

    public init(readBytes: UInt64 = 0, readCalls: UInt64 = 0, readErrors: UInt64 = 0, cacheMissBytes: UInt64 = 0) {
        self.readBytes = readBytes
        self.readCalls = readCalls
        self.readErrors = readErrors
        self.cacheMissBytes = cacheMissBytes
    }

    /// What was added since `earlier`.
    public func since(_ earlier: ProcessReadCounts) -> ProcessReadCounts {
        ProcessReadCounts(
            readBytes: readBytes &- earlier.readBytes, readCalls: readCalls &- earlier.readCalls,
            readErrors: readErrors &- earlier.readErrors, cacheMissBytes: cacheMissBytes &- earlier.cacheMissBytes)
    }
}
