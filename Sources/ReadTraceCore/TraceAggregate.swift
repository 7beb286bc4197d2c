/// A (process, file) pair: the unit readtrace reports on.
public struct ReadKey: Hashable, Sendable {
    // In this order the pid fills the file's padding: 16 bytes a key, not 24.
    public var file: FileID
    public var pid: Int32

    public init(pid: Int32, file: FileID) {
        self.pid = pid
        self.file = file
    }
}

/// Reads of one file by one process.
public struct ReadStats: Sendable, Equatable {
    /// Calls that returned a byte count (end-of-file reads of 0 bytes included).
    public var calls: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Calls that failed; their latency and bytes are not counted.
    public var errors: UInt64 = 0
    /// Bytes the calls (and the readahead they triggered) had to bring into the page cache.
    public var cacheMissBytes: UInt64 = 0
    /// Bytes page faults on the mapped file brought into the page cache.
    public var mmapFaultBytes: UInt64 = 0
    /// Bytes block devices completed for the process's requests for this file, and how many requests.
    public var blockReadBytes: UInt64 { block.value.bytes }
    public var blockReadIOs: UInt64 { block.value.requests }
    /// Per request: creation to completion, and issue to completion.
    public var blockLatency: LatencyHistogram { block.value.latency }
    public var blockServiceLatency: LatencyHistogram { block.value.serviceLatency }
    public var blockTimeline: Timeline { block.value.timeline }
    /// Most files are read from the page cache: their entries never hold block figures.
    private var block = LazilyAllocated<BlockReads>()
    public var firstStartNanoseconds: UInt64 = .max
    public var lastEndNanoseconds: UInt64 = 0
    /// When the bytes read (and faulted in) first reached the loaded share of the file's size.
    public var loadedNanoseconds: UInt64?
    /// Time inside calls that had to bring pages in from the device: waiting on it.
    public var deviceWaitNanoseconds: UInt64 = 0
    /// Latency of the calls that returned a byte count.
    public var latency = LatencyHistogram()
    public var timeline = Timeline()

    public init() {}
}

/// What block devices completed for one process's requests for one file.
struct BlockReads: EmptyInitializable, Sendable, Equatable {
    var bytes: UInt64 = 0
    var requests: UInt64 = 0
    /// Per request: creation to completion, and issue to completion (when the issue was seen).
    var latency = LatencyHistogram()
    var serviceLatency = LatencyHistogram()
    var timeline = Timeline()
}

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

/// A process with what user space could add to the kernel's description.
public struct ProcessInfo: Sendable, Equatable {
    public var record: ProcessRecord
    public var cmdline: String?
    public var cgroupPath: String?

    public init(record: ProcessRecord, cmdline: String? = nil, cgroupPath: String? = nil) {
        self.record = record
        self.cmdline = cmdline
        self.cgroupPath = cgroupPath
    }
}

/// Folds kernel events into per-(process, file) statistics. Pure: tests drive it
/// with hand-made events.
public struct TraceAggregate: Sendable {
    /// CLOCK_MONOTONIC at which tracing started; `*_s` figures count from here.
    public let startNanoseconds: UInt64
    /// Adds what /proc knows about a newly seen process.
    public typealias ProcessDescriber = @Sendable (ProcessRecord) -> ProcessInfo
    /// Completes what the kernel said about a file (a full path for a filesystem-relative one).
    public typealias FileLocator = @Sendable (FileRecord) -> FileRecord

    private let describe: ProcessDescriber
    private let locate: FileLocator
    /// The share of a file's size a process must read for its load of the file to count as done.
    public let loadedShare: Double
    public private(set) var processes: [Int32: ProcessInfo] = [:]
    /// Files in the order they were first seen; a file's dump id is its position + 1.
    public private(set) var files = InsertionOrderedTable<FileID, FileRecord>()
    /// For files read through a stacked filesystem (overlayfs): the file below that holds the data.
    public private(set) var lowerFiles: [FileID: FileID] = [:]
    public private(set) var reads = InsertionOrderedTable<ReadKey, ReadStats>()
    /// What the current refresh interval added; kept only when something shows it.
    public private(set) var interval = InsertionOrderedTable<ReadKey, IntervalStats>()
    public let keepsIntervals: Bool
    public private(set) var eventsReceived: UInt64 = 0

    public init(startNanoseconds: UInt64, describe: @escaping ProcessDescriber = { ProcessInfo(record: $0) },
                locate: @escaping FileLocator = { $0 }, loadedShare: Double = 1, keepsIntervals: Bool = true) {
        self.startNanoseconds = startNanoseconds
        self.describe = describe
        self.locate = locate
        self.loadedShare = loadedShare
        self.keepsIntervals = keepsIntervals
    }

    public mutating func record(_ event: KernelEvent) {
        eventsReceived += 1
        switch event {
        case .read(let read):
            record(read)
        case .file(let file):
            files.updateValue(locate(file), forKey: file.id)
        case .process(let process):
            // Described again after exec: keep the new name, refresh what /proc says.
            processes[process.pid] = describe(process)
        case .block(let block):
            record(block)
        case .cgroup:
            break  // the session's business: which cgroups to trace
        case .faultFill(let fill):
            let key = noteReader(pid: fill.pid, file: fill.file)
            let loadedBytes = loadedBytes(of: fill.file)
            reads[key, default: ReadStats()].apply(fill, loadedBytes: loadedBytes)
            if keepsIntervals { interval[key, default: IntervalStats()].cacheMissBytes += fill.bytes }
        }
    }

    /// Makes sure the process and the file have entries, named or not yet; returns their key.
    private mutating func noteReader(pid: Int32, file: FileID) -> ReadKey {
        if processes[pid] == nil {
            processes[pid] = describe(ProcessRecord(pid: pid, parentPid: 0, cgroupID: 0, comm: "?"))
        }
        if files.position(of: file) == nil { files.updateValue(.unnamed(file), forKey: file) }
        return ReadKey(pid: pid, file: file)
    }

    // The statistics are changed in place in their dictionaries: copying one out and back
    // would copy its histogram and timeline storage on every event.
    private mutating func record(_ block: BlockRecord) {
        let key = noteReader(pid: block.pid, file: block.file)
        if let lower = block.lowerFile { lowerFiles[block.file] = lower }
        reads[key, default: ReadStats()].apply(block, since: startNanoseconds)
        if keepsIntervals { interval[key, default: IntervalStats()].apply(block) }
    }

    private mutating func record(_ read: ReadRecord) {
        let key = noteReader(pid: read.pid, file: read.file)
        let loadedBytes = loadedBytes(of: read.file)
        reads[key, default: ReadStats()].apply(read, since: startNanoseconds, loadedBytes: loadedBytes)
        if keepsIntervals { interval[key, default: IntervalStats()].apply(read) }
    }

    /// How many bytes of a file a process must read (or fault in) for its load to count as
    /// done: the loaded share of its size as the kernel reported it when first read.
    private func loadedBytes(of file: FileID) -> UInt64? {
        guard let size = files[file]?.sizeBytes, size > 0 else { return nil }
        return UInt64((loadedShare * Double(size)).rounded(.up))
    }

    /// Returns what the interval that just ended added, and starts a new one.
    public mutating func takeInterval() -> InsertionOrderedTable<ReadKey, IntervalStats> {
        defer { interval = InsertionOrderedTable() }
        return interval
    }

    /// Files in the order they were first seen.
    public var fileOrder: ChunkedArray<FileID> { files.keys }

    /// The dump id of a file: 1 for the first file seen.
    public func fileNumber(of file: FileID) -> Int? {
        files.position(of: file).map { $0 + 1 }
    }
}

extension ReadStats {
    fileprivate mutating func apply(_ read: ReadRecord, since runStart: UInt64, loadedBytes: UInt64?) {
        firstStartNanoseconds = min(firstStartNanoseconds, read.endNanoseconds &- (read.latencyNanoseconds ?? 0))
        lastEndNanoseconds = max(lastEndNanoseconds, read.endNanoseconds)
        cacheMissBytes += read.cacheMissBytes
        guard read.result >= 0 else {
            errors += 1
            return
        }
        calls += 1
        bytes += UInt64(read.result)
        if let callLatency = read.latencyNanoseconds {
            latency.record(callLatency)
            if read.cacheMissBytes > 0 { deviceWaitNanoseconds += callLatency }
        }
        timeline.add(UInt64(read.result), atNanosecondsSinceStart: read.endNanoseconds &- min(runStart, read.endNanoseconds))
        noteLoad(at: read.endNanoseconds, loadedBytes: loadedBytes)
    }

    fileprivate mutating func apply(_ fill: FaultFillRecord, loadedBytes: UInt64?) {
        switch fill.cause {
        case .fault: mmapFaultBytes += fill.bytes
        case .read: cacheMissBytes += fill.bytes
        }
        firstStartNanoseconds = min(firstStartNanoseconds, fill.endNanoseconds)
        lastEndNanoseconds = max(lastEndNanoseconds, fill.endNanoseconds)
        noteLoad(at: fill.endNanoseconds, loadedBytes: loadedBytes)
    }

    fileprivate mutating func apply(_ record: BlockRecord, since runStart: UInt64) {
        block.value.bytes += record.bytes
        block.value.timeline.add(record.bytes, atNanosecondsSinceStart: record.endNanoseconds &- min(runStart, record.endNanoseconds))
        guard record.completesRequest else { return }
        block.value.requests += 1
        block.value.latency.record(record.queuedNanoseconds)
        if let service = record.serviceNanoseconds { block.value.serviceLatency.record(service) }
    }

    /// The load is done the first time the bytes read and faulted in reach `loadedBytes`.
    private mutating func noteLoad(at nanoseconds: UInt64, loadedBytes: UInt64?) {
        guard loadedNanoseconds == nil, let loadedBytes, bytes + mmapFaultBytes >= loadedBytes else { return }
        loadedNanoseconds = nanoseconds
    }
}

extension IntervalStats {
    fileprivate mutating func apply(_ read: ReadRecord) {
        cacheMissBytes += read.cacheMissBytes
        guard read.result >= 0 else { return }
        calls += 1
        bytes += UInt64(read.result)
        if let callLatency = read.latencyNanoseconds { latency.record(callLatency) }
    }

    fileprivate mutating func apply(_ record: BlockRecord) {
        block.value.bytes += record.bytes
        if record.completesRequest { block.value.latency.record(record.queuedNanoseconds) }
    }
}
