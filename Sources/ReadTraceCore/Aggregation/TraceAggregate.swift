/// Folds kernel events into per-(process, file) statistics. Pure: tests drive it
/// with hand-made events.
public struct TraceAggregate: Sendable {
    /// CLOCK_MONOTONIC at which tracing started; `*_s` figures count from here.
    public let startNanoseconds: UInt64
    /// Adds what /proc knows about a newly seen process.
    public typealias ProcessDescriber = @Sendable (ProcessRecord) -> TracedProcess
    /// Completes what the kernel said about a file (a full path for a filesystem-relative one).
    public typealias FileLocator = @Sendable (FileRecord) -> FileRecord
    /// The full path of a file a process has open, from user space; nil once it is not.
    public typealias OpenFileResolver = @Sendable (_ pid: Int32, _ file: FileID) -> [UInt8]?

    private let describe: ProcessDescriber
    private let locate: FileLocator
    private let resolveOpenFile: OpenFileResolver
    /// Files whose kernel path is truncated and that no reader has had open to resolve yet.
    private var truncatedFiles: Set<FileID> = []
    /// The share of a file's size a process must read for its load of the file to count as done.
    public let loadedShare: Double
    public private(set) var processes: [Int32: TracedProcess] = [:]
    /// Files in the order they were first seen; a file's dump id is its position + 1.
    public private(set) var files = InsertionOrderedTable<FileID, FileRecord>()
    /// For files read through a stacked filesystem (overlayfs): the file below that holds the data.
    public private(set) var lowerFiles: [FileID: FileID] = [:]
    /// Processes serving FUSE filesystems that traced processes read: the filesystems, by device.
    public private(set) var fuseDaemons: [Int32: [DeviceNumber]] = [:]
    public private(set) var reads = InsertionOrderedTable<ReadKey, ReadStats>()
    /// What the current refresh interval added; kept only when something shows it.
    public private(set) var interval = InsertionOrderedTable<ReadKey, IntervalStats>()
    public let keepsIntervals: Bool
    public private(set) var eventsReceived: UInt64 = 0
    /// Calls of marked functions and hits of marked probes (`--mark`), in the order they ended.
    public private(set) var marks = ChunkedArray<MarkRecord>()
    /// Per process, when it was in read calls and waiting on device requests: kept (with
    /// markers) for the breakdown of its time into reads, marked phases and neither.
    public private(set) var callTimes: [Int32: CallTimes] = [:]
    public let keepsCallTimes: Bool

    public struct CallTimes: Sendable {
        public var reads = ChunkedArray<Range<UInt64>>()
        public var deviceRequests = ChunkedArray<Range<UInt64>>()
    }

    public init(
        startNanoseconds: UInt64, describe: @escaping ProcessDescriber = { TracedProcess(record: $0) },
        locate: @escaping FileLocator = { $0 }, resolveOpenFile: @escaping OpenFileResolver = { _, _ in nil },
        loadedShare: Double = 1, keepsIntervals: Bool = true, keepsCallTimes: Bool = false
    ) {
        self.keepsCallTimes = keepsCallTimes
        self.startNanoseconds = startNanoseconds
        self.describe = describe
        self.locate = locate
        self.resolveOpenFile = resolveOpenFile
        self.loadedShare = loadedShare
        self.keepsIntervals = keepsIntervals
    }

    public mutating func record(_ event: KernelEvent) {
        eventsReceived += 1
        switch event {
        case .read(let read):
            record(read)
        case .file(var file):
            // A file named again (deleted since) keeps what the page cache held at its first read.
            if let earlier = files[file.id], earlier != .unnamed(file.id) {
                file.cachedBytesAtFirstRead = earlier.cachedBytesAtFirstRead
            }
            files.updateValue(locate(file), forKey: file.id)
            if file.pathIsTruncated { truncatedFiles.insert(file.id) }
        case .process(let process):
            // Described again after exec: keep the new name, refresh what /proc says.
            processes[process.pid] = describe(process)
        case .block(let block):
            record(block)
        case .cgroup, .exec:
            break  // the session's business: which cgroups to trace, where markers attach
        case .fuseDaemon(let daemon):
            if fuseDaemons[daemon.pid]?.contains(daemon.filesystem) != true {
                fuseDaemons[daemon.pid, default: []].append(daemon.filesystem)
            }
        case .mark(let mark):
            noteProcess(mark.pid)
            marks.append(mark)
        case .faultFill(let fill):
            let key = noteReader(pid: fill.pid, file: fill.file)
            let loadedBytes = loadedBytes(of: fill.file)
            reads[key, default: ReadStats()].apply(fill, loadedBytes: loadedBytes)
            // Mapped pages may have been cached all along, and prefetched ones were not read: not misses.
            if keepsIntervals, fill.cause == .fault || fill.cause == .read {
                interval[key, default: IntervalStats()].cacheMissBytes += fill.bytes
            }
        }
    }

    /// Makes sure the process and the file have entries, named or not yet; returns their key.
    private mutating func noteReader(pid: Int32, file: FileID) -> ReadKey {
        noteProcess(pid)
        if files.position(of: file) == nil { files.updateValue(.unnamed(file), forKey: file) }
        return ReadKey(pid: pid, file: file)
    }

    /// Makes sure the process has an entry, named or not yet.
    private mutating func noteProcess(_ pid: Int32) {
        if processes[pid] == nil {
            processes[pid] = describe(ProcessRecord(pid: pid, parentPid: 0, cgroupID: 0, comm: "?"))
        }
    }

    // The statistics are changed in place in their dictionaries: copying one out and back
    // would copy its histogram and timeline storage on every event.
    private mutating func record(_ block: BlockRecord) {
        let key = noteReader(pid: block.pid, file: block.file)
        if let lower = block.lowerFile { lowerFiles[block.file] = lower }
        reads[key, default: ReadStats()].apply(block, since: startNanoseconds)
        if keepsCallTimes {
            callTimes[block.pid, default: CallTimes()].deviceRequests.append(
                block.endNanoseconds - min(block.queuedNanoseconds, block.endNanoseconds)..<block.endNanoseconds)
        }
        if keepsIntervals { interval[key, default: IntervalStats()].apply(block) }
    }

    private mutating func record(_ read: ReadRecord) {
        let key = noteReader(pid: read.pid, file: read.file)
        if !truncatedFiles.isEmpty, truncatedFiles.contains(read.file) { completePath(of: read.file, openIn: read.pid) }
        let loadedBytes = loadedBytes(of: read.file)
        reads[key, default: ReadStats()].apply(read, since: startNanoseconds, loadedBytes: loadedBytes)
        if keepsCallTimes, let latency = read.latencyNanoseconds {
            callTimes[read.pid, default: CallTimes()].reads.append(
                read.endNanoseconds - min(latency, read.endNanoseconds)..<read.endNanoseconds)
        }
        if keepsIntervals { interval[key, default: IntervalStats()].apply(read) }
    }

    /// How many bytes of a file a process must read (or fault in) for its load to count as
    /// done: the loaded share of its size as the kernel reported it when first read.
    /// Replaces a truncated kernel path with the one the reader's descriptor shows, if it still
    /// has the file open; the file is asked about once.
    private mutating func completePath(of file: FileID, openIn pid: Int32) {
        truncatedFiles.remove(file)
        guard let path = resolveOpenFile(pid, file), var record = files[file] else { return }
        record.path = path
        record.pathIsTruncated = false
        files.updateValue(record, forKey: file)
    }

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
