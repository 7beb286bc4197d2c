/// One call of a marked function (entry to return) or one hit of a marked USDT probe point,
/// as the kernel reported it.
public struct MarkRecord: Sendable, Equatable {
    public var pid: Int32
    public var threadID: Int32
    /// The marker's position among the run's markers (`--mark` and presets, in order).
    public var mark: Int
    /// CLOCK_MONOTONIC at entry and at return; equal for a probe point.
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64
    /// The argument `:bytes=argN` names, as the span's byte count.
    public var bytes: UInt64?

    public init(pid: Int32, threadID: Int32, mark: Int, startNanoseconds: UInt64, endNanoseconds: UInt64, bytes: UInt64? = nil) {
        self.pid = pid
        self.threadID = threadID
        self.mark = mark
        self.startNanoseconds = startNanoseconds
        self.endNanoseconds = endNanoseconds
        self.bytes = bytes
    }
}
