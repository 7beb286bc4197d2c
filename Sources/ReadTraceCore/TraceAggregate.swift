/// A (process, file) pair: the unit readtrace reports on.
public struct ReadKey: Hashable, Sendable {
    public var pid: Int32
    public var file: FileID

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
    public var blockReadBytes: UInt64 = 0
    public var blockReadIOs: UInt64 = 0
    /// Per request: creation to completion, and issue to completion.
    public var blockLatency = LatencyHistogram()
    public var blockServiceLatency = LatencyHistogram()
    public var firstStartNanoseconds: UInt64 = .max
    public var lastEndNanoseconds: UInt64 = 0
    /// When the bytes read (and faulted in) first reached the loaded share of the file's size.
    public var loadedNanoseconds: UInt64?
    /// Time inside calls that had to bring pages in from the device: waiting on it.
    public var deviceWaitNanoseconds: UInt64 = 0
    /// Latency of the calls that returned a byte count.
    public var latency = LatencyHistogram()
    public var timeline = Timeline()
    public var blockTimeline = Timeline()

    public init() {}
}

/// What one refresh interval added to a (process, file).
public struct IntervalStats: Sendable, Equatable {
    public var calls: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Page-cache misses of the calls, and of page faults on the mapped file.
    public var cacheMissBytes: UInt64 = 0
    public var latency = LatencyHistogram()
    public var blockBytes: UInt64 = 0
    public var blockLatency = LatencyHistogram()

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
    public private(set) var files: [FileID: FileRecord] = [:]
    /// For files read through a stacked filesystem (overlayfs): the file below that holds the data.
    public private(set) var lowerFiles: [FileID: FileID] = [:]
    /// Files in the order they were first seen; a file's dump id is its position + 1.
    public private(set) var fileOrder: [FileID] = []
    public private(set) var reads: [ReadKey: ReadStats] = [:]
    public private(set) var interval: [ReadKey: IntervalStats] = [:]
    public private(set) var eventsReceived: UInt64 = 0

    public init(startNanoseconds: UInt64, describe: @escaping ProcessDescriber = { ProcessInfo(record: $0) },
                locate: @escaping FileLocator = { $0 }, loadedShare: Double = 1) {
        self.startNanoseconds = startNanoseconds
        self.describe = describe
        self.locate = locate
        self.loadedShare = loadedShare
    }

    public mutating func record(_ event: KernelEvent) {
        eventsReceived += 1
        switch event {
        case .read(let read):
            record(read)
        case .file(let file):
            if files.updateValue(locate(file), forKey: file.id) == nil { fileOrder.append(file.id) }
        case .process(let process):
            // Described again after exec: keep the new name, refresh what /proc says.
            processes[process.pid] = describe(process)
        case .block(let block):
            record(block)
        case .cgroup:
            break  // the session's business: which cgroups to trace
        case .faultFill(let fill):
            let key = noteReader(pid: fill.pid, file: fill.file)
            var stats = reads[key, default: ReadStats()]
            stats.mmapFaultBytes += fill.bytes
            stats.firstStartNanoseconds = min(stats.firstStartNanoseconds, fill.endNanoseconds)
            stats.lastEndNanoseconds = max(stats.lastEndNanoseconds, fill.endNanoseconds)
            noteLoad(&stats, of: fill.file, at: fill.endNanoseconds)
            reads[key] = stats
            interval[key, default: IntervalStats()].cacheMissBytes += fill.bytes
        }
    }

    /// Makes sure the process and the file have entries, named or not yet; returns their key.
    private mutating func noteReader(pid: Int32, file: FileID) -> ReadKey {
        if processes[pid] == nil {
            processes[pid] = describe(ProcessRecord(pid: pid, parentPid: 0, cgroupID: 0, comm: "?"))
        }
        if files[file] == nil {
            files[file] = .unnamed(file)
            fileOrder.append(file)
        }
        return ReadKey(pid: pid, file: file)
    }

    private mutating func record(_ block: BlockRecord) {
        let key = noteReader(pid: block.pid, file: block.file)
        if let lower = block.lowerFile { lowerFiles[block.file] = lower }
        var stats = reads[key, default: ReadStats()]
        var intervalStats = interval[key, default: IntervalStats()]
        stats.blockReadBytes += block.bytes
        stats.blockTimeline.add(block.bytes, atNanosecondsSinceStart: block.endNanoseconds &- min(startNanoseconds, block.endNanoseconds))
        intervalStats.blockBytes += block.bytes
        if block.completesRequest {
            stats.blockReadIOs += 1
            stats.blockLatency.record(block.queuedNanoseconds)
            if let service = block.serviceNanoseconds { stats.blockServiceLatency.record(service) }
            intervalStats.blockLatency.record(block.queuedNanoseconds)
        }
        reads[key] = stats
        interval[key] = intervalStats
    }

    private mutating func record(_ read: ReadRecord) {
        let key = noteReader(pid: read.pid, file: read.file)
        let start = read.endNanoseconds &- read.latencyNanoseconds
        var stats = reads[key, default: ReadStats()]
        stats.apply(read, start: start, since: startNanoseconds)
        noteLoad(&stats, of: read.file, at: read.endNanoseconds)
        reads[key] = stats
        var intervalStats = interval[key, default: IntervalStats()]
        intervalStats.cacheMissBytes += read.cacheMissBytes
        if read.result >= 0 {
            intervalStats.calls += 1
            intervalStats.bytes += UInt64(read.result)
            intervalStats.latency.record(read.latencyNanoseconds)
        }
        interval[key] = intervalStats
    }

    /// Marks the load done the first time the bytes read and faulted in reach the loaded share
    /// of the file's size (as the kernel reported it when the file was first read).
    private func noteLoad(_ stats: inout ReadStats, of file: FileID, at nanoseconds: UInt64) {
        guard stats.loadedNanoseconds == nil, let size = files[file]?.sizeBytes, size > 0 else { return }
        if Double(stats.bytes + stats.mmapFaultBytes) >= (loadedShare * Double(size)).rounded(.up) {
            stats.loadedNanoseconds = nanoseconds
        }
    }

    /// Returns what the interval that just ended added, and starts a new one.
    public mutating func takeInterval() -> [ReadKey: IntervalStats] {
        defer { interval = [:] }
        return interval
    }

    /// The dump id of a file: 1 for the first file seen.
    public func fileNumber(of file: FileID) -> Int? {
        fileOrder.firstIndex(of: file).map { $0 + 1 }
    }
}

extension ReadStats {
    fileprivate mutating func apply(_ read: ReadRecord, start: UInt64, since runStart: UInt64) {
        firstStartNanoseconds = min(firstStartNanoseconds, start)
        lastEndNanoseconds = max(lastEndNanoseconds, read.endNanoseconds)
        cacheMissBytes += read.cacheMissBytes
        guard read.result >= 0 else {
            errors += 1
            return
        }
        calls += 1
        bytes += UInt64(read.result)
        latency.record(read.latencyNanoseconds)
        if read.cacheMissBytes > 0 { deviceWaitNanoseconds += read.latencyNanoseconds }
        timeline.add(UInt64(read.result), atNanosecondsSinceStart: read.endNanoseconds &- min(runStart, read.endNanoseconds))
    }
}
