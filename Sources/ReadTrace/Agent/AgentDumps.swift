import ReadTraceCore
import Synchronization

/// Dumps of windows of the flight recorder, for `/dump`, SIGUSR1 and the triggers: the same
/// `DumpContents` a tracing run writes, drawn from the window's replayed aggregate.
final class AgentDumps: Sendable {
    /// The event loop records into it; dump requests replay from it (under the lock, so a
    /// request waits at most one drain slice, and memory is never doubled by a copy).
    let recorder: Mutex<FlightRecorder>
    private let clock: AgentClock
    private let host: RunMetadata.Host
    private let hook: HookKind
    private let filters: RunMetadata.Filters
    private let paths: [String]

    init(recorder: FlightRecorder, clock: AgentClock, host: RunMetadata.Host, hook: HookKind, filters: RunMetadata.Filters) {
        self.recorder = Mutex(recorder)
        self.clock = clock
        self.host = host
        self.hook = hook
        self.filters = filters
        paths = filters.paths
    }

    /// The dump of a wall-clock window, from what is retained of it.
    func dump(_ request: DumpWindowRequest) -> AgentServer.Dump {
        dump(from: clock.monotonic(unixSeconds: request.fromUnixSeconds), to: clock.monotonic(unixSeconds: request.toUnixSeconds))
    }

    /// The dump of `start..<end` (CLOCK_MONOTONIC).
    func dump(from start: UInt64, to end: UInt64) -> AgentServer.Dump {
        let window = recorder.withLock { $0.window(from: start, to: end) }
        let startUnix = clock.unixSeconds(monotonic: window.startNanoseconds)
        let metadata = RunMetadata(
            toolVersion: ReadTraceVersion.current, host: host, hook: hook, startedAtUnixSeconds: startUnix,
            durationSeconds: Double(window.endNanoseconds - window.startNanoseconds) / 1e9, filters: filters,
            counters: window.counters)
        let contents = DumpContents(
            aggregate: window.aggregate, metadata: metadata, pathFilter: PathFilter(paths), deviceHistory: window.deviceHistory,
            topology: BlockDeviceTopology.read(names: window.deviceHistory.devices.map(\.name)), deviceReads: window.deviceReads)
        var bytes: [UInt8] = []
        // Writing into memory cannot fail.
        try? contents.write { bytes += $0 }
        return AgentServer.Dump(bytes: bytes, start: DumpDocument.iso8601(unixSeconds: startUnix), truncated: window.truncated)
    }

    /// Everything retained, up to now.
    func dumpRetained() -> AgentServer.Dump {
        dump(from: 0, to: Clock.monotonicNanoseconds())
    }
}

/// CLOCK_MONOTONIC (events) and the wall clock (requests, dumps) from one reading of both.
struct AgentClock: Sendable {
    let monotonicNanoseconds: UInt64
    let unixSeconds: Double

    static func now() -> AgentClock { AgentClock(monotonicNanoseconds: Clock.monotonicNanoseconds(), unixSeconds: Clock.unixSeconds()) }

    func unixSeconds(monotonic: UInt64) -> Double {
        unixSeconds + (Double(monotonic) - Double(monotonicNanoseconds)) / 1e9
    }

    func monotonic(unixSeconds wall: Double) -> UInt64 {
        let nanoseconds = Double(monotonicNanoseconds) + (wall - unixSeconds) * 1e9
        return nanoseconds <= 0 ? 0 : UInt64(nanoseconds)
    }
}
