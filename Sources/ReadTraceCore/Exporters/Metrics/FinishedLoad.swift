/// A process that has just read its share of a model-sized file: what a trigger judges.
public struct FinishedLoad: Sendable, Equatable {
    public var pid: Int32
    public var comm: String
    public var file: FileID
    public var path: String
    /// Bytes read and faulted in when the load finished.
    public var bytes: UInt64
    /// CLOCK_MONOTONIC: the first read of the file, and the read that completed the load.
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64

    public var durationSeconds: Double { Double(endNanoseconds - startNanoseconds) / 1e9 }

    /// Bytes per second over the load; infinite for a load finished in one instant.
    public var bytesPerSecond: Double { endNanoseconds > startNanoseconds ? Double(bytes) / durationSeconds : .infinity }
}
