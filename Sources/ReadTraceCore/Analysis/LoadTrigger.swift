/// When the agent writes a dump by itself: a load that finished slower than a rate, or took
/// longer than a time. The dump covers the window from the start of the earliest load that
/// overlapped the slow one until now; at most one dump per `quietNanoseconds`.
public struct LoadTrigger: Sendable {
    public var slowerThanBytesPerSecond: Double?
    public var longerThanNanoseconds: UInt64?
    public var quietNanoseconds: UInt64

    /// A load that tripped the trigger.
    public struct Firing: Sendable, Equatable {
        public var load: FinishedLoad
        /// Why, in a few words: "47.2 MiB/s < 100 MiB/s".
        public var reason: String
        /// CLOCK_MONOTONIC: where the dump starts.
        public var windowStartNanoseconds: UInt64
        /// False when a dump was written less than `quietNanoseconds` ago: log it, write nothing.
        public var writesDump: Bool
    }

    private var lastDumpNanoseconds: UInt64?
    /// Loads finished lately, for the overlap; none older than `keepNanoseconds`.
    private var recent: [FinishedLoad] = []
    private let keepNanoseconds: UInt64

    public init(
        slowerThanBytesPerSecond: Double?, longerThanNanoseconds: UInt64?, quietNanoseconds: UInt64 = 300_000_000_000,
        keepNanoseconds: UInt64
    ) {
        self.slowerThanBytesPerSecond = slowerThanBytesPerSecond
        self.longerThanNanoseconds = longerThanNanoseconds
        self.quietNanoseconds = quietNanoseconds
        self.keepNanoseconds = keepNanoseconds
    }

    public var isArmed: Bool { slowerThanBytesPerSecond != nil || longerThanNanoseconds != nil }

    /// Judges a finished load; `loadsInProgressSince`: the start of the earliest load still going.
    public mutating func judge(_ load: FinishedLoad, now: UInt64, loadsInProgressSince: UInt64?) -> Firing? {
        recent.removeAll { now &- $0.endNanoseconds > keepNanoseconds }
        recent.append(load)
        guard let reason = reason(for: load) else { return nil }
        var start = load.startNanoseconds
        for other in recent where other.endNanoseconds >= load.startNanoseconds { start = min(start, other.startNanoseconds) }
        if let loadsInProgressSince { start = min(start, loadsInProgressSince) }
        let writes = lastDumpNanoseconds.map { now &- $0 >= quietNanoseconds } ?? true
        if writes { lastDumpNanoseconds = now }
        return Firing(load: load, reason: reason, windowStartNanoseconds: start, writesDump: writes)
    }

    private func reason(for load: FinishedLoad) -> String? {
        if let slowerThanBytesPerSecond, load.bytesPerSecond < slowerThanBytesPerSecond {
            return "\(Self.mebibytes(load.bytesPerSecond)) MiB/s < \(Self.mebibytes(slowerThanBytesPerSecond)) MiB/s"
        }
        if let longerThanNanoseconds, load.endNanoseconds - load.startNanoseconds > longerThanNanoseconds {
            return
                "\(TimeSpan(seconds: DumpDocument.rounded(load.durationSeconds, decimals: 3))) > \(TimeSpan(nanoseconds: longerThanNanoseconds))"
        }
        return nil
    }

    private static func mebibytes(_ bytesPerSecond: Double) -> String {
        String(DumpDocument.rounded(bytesPerSecond / 1_048_576, decimals: 1))
    }
}
