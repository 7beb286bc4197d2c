/// What the agent keeps of the recent past so that it can write the dump of any window in it:
/// the read, fault and block events themselves, the names of the processes and files they
/// refer to, and /proc/diskstats and the kernel's counters sampled once per interval. A window's
/// dump replays its events into a fresh `TraceAggregate`, the very fold `readtrace --json` does,
/// so the two agree by construction.
///
/// Memory is bounded twice: events older than `retainNanoseconds` go, and so do the oldest
/// events when they would take more than `memoryLimitBytes` (each event takes
/// `bytesPerEvent`); both are counted, and `completeSince` says from when the window is whole.
public struct FlightRecorder: Sendable {
    public struct Configuration: Sendable {
        public var retainNanoseconds: UInt64
        public var memoryLimitBytes: Int
        public var loadedShare: Double

        public init(retainNanoseconds: UInt64 = 30 * 60 * 1_000_000_000, memoryLimitBytes: Int = 64 << 20, loadedShare: Double = 1) {
            self.retainNanoseconds = retainNanoseconds
            self.memoryLimitBytes = memoryLimitBytes
            self.loadedShare = loadedShare
        }
    }

    /// The events a window's aggregate is made of.
    private enum Event: Sendable {
        case read(ReadRecord)
        case block(BlockRecord)
        case faultFill(FaultFillRecord)
        case mark(MarkRecord)

        var nanoseconds: UInt64 {
            switch self {
            case .read(let read): read.endNanoseconds
            case .block(let block): block.endNanoseconds
            case .faultFill(let fill): fill.endNanoseconds
            case .mark(let mark): mark.endNanoseconds
            }
        }

        var pid: Int32 {
            switch self {
            case .read(let read): read.pid
            case .block(let block): block.pid
            case .faultFill(let fill): fill.pid
            case .mark(let mark): mark.pid
            }
        }

        /// The file the event is about; none for a marker's span.
        var file: FileID? {
            switch self {
            case .read(let read): read.file
            case .block(let block): block.file
            case .faultFill(let fill): fill.file
            case .mark: nil
            }
        }

        var kernelEvent: KernelEvent {
            switch self {
            case .read(let read): .read(read)
            case .block(let block): .block(block)
            case .faultFill(let fill): .faultFill(fill)
            case .mark(let mark): .mark(mark)
            }
        }
    }

    /// The tracer's counters at one moment.
    public struct CounterSample: Sendable {
        public var nanoseconds: UInt64
        public var counters: KernelCounters
        public var deviceReads: [DeviceNumber: DeviceReadCounters]

        public init(nanoseconds: UInt64, counters: KernelCounters, deviceReads: [DeviceNumber: DeviceReadCounters]) {
            self.nanoseconds = nanoseconds
            self.counters = counters
            self.deviceReads = deviceReads
        }
    }

    /// A window's data, ready for `DumpContents`.
    public struct Window {
        public var aggregate: TraceAggregate
        public var deviceHistory: DeviceHistory
        /// What the kernel counted (events, lost events) during the window.
        public var counters: KernelCounters
        public var deviceReads: [DeviceNumber: DeviceReadCounters]
        /// CLOCK_MONOTONIC: the window as served, later than asked where retention ends.
        public var startNanoseconds: UInt64
        public var endNanoseconds: UInt64
        /// The window asked for reached back past what is retained.
        public var truncated: Bool
    }

    public let configuration: Configuration
    private var events: [Event] = []
    /// `events[..<head]` are dropped, awaiting compaction.
    private var head = 0
    private var processes: [Int32: TracedProcess] = [:]
    private var files: [FileID: FileRecord] = [:]
    /// Which process serves which FUSE filesystem: named once, as processes are.
    private var fuseDaemons: Set<FuseDaemonRecord> = []
    private var diskSamples: [DiskStatsSnapshot] = []
    private var counterSamples: [CounterSample] = []
    /// From when (CLOCK_MONOTONIC) every event is still here.
    public private(set) var completeSince: UInt64
    /// Events let go because they were older than the retention, or for memory.
    public private(set) var expiredEvents: UInt64 = 0
    public private(set) var evictedEvents: UInt64 = 0

    public init(configuration: Configuration, startNanoseconds: UInt64) {
        self.configuration = configuration
        completeSince = startNanoseconds
    }

    /// The memory one retained event takes.
    public static var bytesPerEvent: Int { MemoryLayout<Event>.stride }

    public mutating func note(_ process: TracedProcess) { processes[process.record.pid] = process }

    public mutating func note(_ file: FileRecord) { files[file.id] = file }

    /// Keeps a read, fault, block or marker event; names, cgroups and execs are not events here.
    public mutating func record(_ event: KernelEvent) {
        switch event {
        case .read(let read): events.append(.read(read))
        case .block(let block): events.append(.block(block))
        case .faultFill(let fill): events.append(.faultFill(fill))
        case .mark(let mark): events.append(.mark(mark))
        case .process(let process): note(TracedProcess(record: process))
        case .file(let file): note(file)
        case .fuseDaemon(let daemon): fuseDaemons.insert(daemon)
        // The session's business: which cgroups to trace, where markers attach.
        case .cgroup, .exec: break
        }
        if (events.count - head) * Self.bytesPerEvent > configuration.memoryLimitBytes { evictOldest() }
    }

    public mutating func record(_ sample: DiskStatsSnapshot) { diskSamples.append(sample) }

    public mutating func record(_ sample: CounterSample) { counterSamples.append(sample) }

    /// Drops an eighth of the events, oldest first: the window is whole only after the last of them.
    private mutating func evictOldest() {
        let count = max(1, (events.count - head) / 8)
        completeSince = max(completeSince, events[head + count - 1].nanoseconds + 1)
        head += count
        evictedEvents += UInt64(count)
        compact()
    }

    /// Lets go of what is older than the retention: events, samples, and the names of processes
    /// and files no retained event refers to (`isAlive` keeps those of running processes, which
    /// the kernel does not name again).
    public mutating func expire(now: UInt64, isAlive: (Int32) -> Bool) {
        guard now > configuration.retainNanoseconds else { return }
        let cutoff = now - configuration.retainNanoseconds
        let before = head
        while head < events.count, events[head].nanoseconds < cutoff { head += 1 }
        expiredEvents += UInt64(head - before)
        completeSince = max(completeSince, cutoff)
        // One sample at or before the cutoff stays: the baseline of the first interval.
        if let keep = diskSamples.lastIndex(where: { $0.nanoseconds <= cutoff }), keep > 0 { diskSamples.removeFirst(keep) }
        if let keep = counterSamples.lastIndex(where: { $0.nanoseconds <= cutoff }), keep > 0 { counterSamples.removeFirst(keep) }
        compact()
        let readers = Set(events[head...].map(\.pid))
        let read = Set(events[head...].compactMap(\.file))
        processes = processes.filter { readers.contains($0.key) || isAlive($0.key) }
        files = files.filter { read.contains($0.key) || files.count <= Self.namedFileLimit }
        fuseDaemons = fuseDaemons.filter { readers.contains($0.pid) || isAlive($0.pid) }
    }

    /// As many files as the kernel keeps as named: it names evicted ones again.
    static let namedFileLimit = 65_536

    private mutating func compact() {
        guard head > 4096, head * 2 > events.count else { return }
        events.removeFirst(head)
        head = 0
    }

    /// Bytes held: events, names and samples, estimated from their sizes.
    public var retainedBytes: Int {
        let names =
            processes.count * (MemoryLayout<Int32>.stride + MemoryLayout<TracedProcess>.stride + 128)
            + fuseDaemons.count * MemoryLayout<FuseDaemonRecord>.stride
            + files.reduce(0) { $0 + MemoryLayout<FileID>.stride + MemoryLayout<FileRecord>.stride + $1.value.path.count }
        let samples =
            diskSamples.reduce(0) { $0 + $1.entries.count * MemoryLayout<DiskStatsEntry>.stride + 32 }
            + counterSamples.reduce(0) { $0 + MemoryLayout<CounterSample>.stride + $1.deviceReads.count * 64 }
        return (events.count - head) * Self.bytesPerEvent + names + samples
    }

    public var retainedEvents: Int { events.count - head }

    /// The data of `start..<end` (CLOCK_MONOTONIC), from `completeSince` on where it asks for more.
    public func window(from start: UInt64, to end: UInt64) -> Window {
        let from = max(start, completeSince)
        let to = max(end, from)
        let named = processes
        var aggregate = TraceAggregate(
            startNanoseconds: from, describe: { named[$0.pid] ?? TracedProcess(record: $0) },
            loadedShare: configuration.loadedShare, keepsIntervals: false)
        var seenProcesses: Set<Int32> = []
        var seenFiles: Set<FileID> = []
        for event in events[head...] where event.nanoseconds >= from && event.nanoseconds < to {
            if let id = event.file, seenFiles.insert(id).inserted, let file = files[id] { aggregate.record(.file(file)) }
            if seenProcesses.insert(event.pid).inserted, let process = processes[event.pid] { aggregate.record(.process(process.record)) }
            aggregate.record(event.kernelEvent)
        }
        // The FUSE daemons among the window's processes, as a live session names them.
        for daemon in fuseDaemons.sorted(by: { ($0.pid, $0.filesystem.rawValue) < ($1.pid, $1.filesystem.rawValue) })
        where seenProcesses.contains(daemon.pid) {
            aggregate.record(.fuseDaemon(daemon))
        }
        var history = DeviceHistory(startNanoseconds: from)
        let baseline = diskSamples.lastIndex { $0.nanoseconds <= from } ?? 0
        for sample in diskSamples[baseline...] where sample.nanoseconds <= to { history.record(sample) }
        let first = counterSamples.last { $0.nanoseconds <= from } ?? counterSamples.first
        let last = counterSamples.last { $0.nanoseconds <= to } ?? first
        var deviceReads: [DeviceNumber: DeviceReadCounters] = [:]
        for (device, counters) in last?.deviceReads ?? [:] {
            deviceReads[device] = counters.since(first?.deviceReads[device] ?? DeviceReadCounters())
        }
        let counters = KernelCounters(
            eventsEmitted: (last?.counters.eventsEmitted ?? 0) &- (first?.counters.eventsEmitted ?? 0),
            eventsLost: (last?.counters.eventsLost ?? 0) &- (first?.counters.eventsLost ?? 0),
            skippedProgramRuns: (last?.counters.skippedProgramRuns ?? 0) &- (first?.counters.skippedProgramRuns ?? 0))
        return Window(
            aggregate: aggregate, deviceHistory: history, counters: counters, deviceReads: deviceReads, startNanoseconds: from,
            endNanoseconds: to, truncated: start < completeSince)
    }
}
