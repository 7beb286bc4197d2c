/// Folds kernel events into Prometheus series with bounded cardinality. Pure: the agent feeds
/// it the tracer's events and a `MetricSink` over its registry; tests feed hand-made events.
///
/// A series is one label set (pod, container, process name, file label). At most
/// `maxSeries` exist: label sets beyond that are folded into `MetricLabels.other`, once per
/// process and file, and counted. A series goes when every process that fed it has been gone
/// for `forgetAfterNanoseconds`.
public struct ReadMetrics {
    public struct Configuration: Sendable {
        public var fileLabels: MetricFileLabels
        public var maxSeries: Int
        public var loadedShare: Double
        public var loadRule: LoadRule
        public var forgetAfterNanoseconds: UInt64

        public init(
            fileLabels: MetricFileLabels = MetricFileLabels(globs: []), maxSeries: Int = 10_000, loadedShare: Double = 1,
            loadRule: LoadRule = LoadRule(), forgetAfterNanoseconds: UInt64 = 300_000_000_000
        ) {
            self.fileLabels = fileLabels
            self.maxSeries = max(1, maxSeries)
            self.loadedShare = loadedShare
            self.loadRule = loadRule
            self.forgetAfterNanoseconds = forgetAfterNanoseconds
        }
    }

    private struct Process {
        var comm: String
        var identity: ContainerIdentity
        var goneNanoseconds: UInt64?
    }

    private struct File {
        var label: String
        var record: FileRecord
    }

    /// One process reading one file: its series, and how far its load of the file has got.
    private struct Reader {
        var labels: MetricLabels
        var readBytes: UInt64 = 0
        var faultBytes: UInt64 = 0
        var mappedBytes: UInt64 = 0
        /// As `ReadStats` counts a load: bytes read, and what the mapping loaded (the pages
        /// mapped, or faulted in where fewer mappings were seen).
        var loadBytes: UInt64 { readBytes + max(faultBytes, mappedBytes) }
        var firstStartNanoseconds: UInt64 = .max
        var loadState = LoadState.none
    }

    private enum LoadState { case none, inProgress, finished }

    private struct Series {
        var readers = 0
        var loadsInProgress = 0
    }

    public let configuration: Configuration
    private let podName: (String) -> PodNames.Pod?
    private var processes: [Int32: Process] = [:]
    private var files: [FileID: File] = [:]
    private var readers: [ReadKey: Reader] = [:]
    private var series: [MetricLabels: Series] = [:]
    /// Label sets refused a series of their own, once per process and file.
    public private(set) var foldedSeries: UInt64 = 0

    /// `podName`: a pod's namespace and name by uid, where the node says (`PodNames`).
    public init(configuration: Configuration, podName: @escaping (String) -> PodNames.Pod? = { _ in nil }) {
        self.configuration = configuration
        self.podName = podName
    }

    public var seriesCount: Int { series.count }

    /// Processes and files are named once by the kernel; later events refer to them.
    public mutating func note(_ process: TracedProcess) {
        processes[process.record.pid] = Process(
            comm: process.record.comm, identity: process.cgroupPath.map(ContainerIdentity.init(cgroupPath:)) ?? ContainerIdentity())
    }

    public mutating func note(_ file: FileRecord) {
        files[file.id] = File(label: configuration.fileLabels.label(for: file), record: file)
    }

    /// Adds a read, fault or block event to its series; returns the load it finished, if any.
    @discardableResult
    public mutating func record(_ event: KernelEvent, into sink: some MetricSink) -> FinishedLoad? {
        switch event {
        case .read(let read):
            let key = ReadKey(pid: read.pid, file: read.file)
            let labels = reader(key).labels
            if read.cacheMissBytes > 0 { sink.add(read.cacheMissBytes, to: .cacheMissBytes, labels: labels) }
            guard read.result >= 0 else {
                sink.add(1, to: .readErrors, labels: labels)
                return nil
            }
            sink.add(UInt64(read.result), to: .readBytes, labels: labels)
            sink.add(1, to: .readCalls, labels: labels)
            if let latency = read.latencyNanoseconds { sink.observe(Double(latency) / 1e9, in: .readLatency, labels: labels) }
            return progress(
                key, adding: \.readBytes, UInt64(read.result), start: read.endNanoseconds &- (read.latencyNanoseconds ?? 0),
                end: read.endNanoseconds, sink: sink)
        case .faultFill(let fill):
            let key = ReadKey(pid: fill.pid, file: fill.file)
            let labels = reader(key).labels
            switch fill.cause {
            case .read:
                sink.add(fill.bytes, to: .cacheMissBytes, labels: labels)
                return progress(key, adding: \.readBytes, 0, start: fill.endNanoseconds, end: fill.endNanoseconds, sink: sink)
            case .fault:
                sink.add(fill.bytes, to: .mmapFaultBytes, labels: labels)
                return progress(key, adding: \.faultBytes, fill.bytes, start: fill.endNanoseconds, end: fill.endNanoseconds, sink: sink)
            case .mapped:
                sink.add(fill.bytes, to: .mmapMappedBytes, labels: labels)
                return progress(key, adding: \.mappedBytes, fill.bytes, start: fill.endNanoseconds, end: fill.endNanoseconds, sink: sink)
            case .prefetch:
                // Prefetched pages are not a load's progress (the dump's prefetch_bytes has them).
                return nil
            }
        case .block(let block):
            let labels = reader(ReadKey(pid: block.pid, file: block.file)).labels
            sink.add(block.bytes, to: .blockReadBytes, labels: labels)
            if block.completesRequest { sink.observe(Double(block.queuedNanoseconds) / 1e9, in: .blockReadLatency, labels: labels) }
            return nil
        case .process(let record):
            note(TracedProcess(record: record))
            return nil
        case .file(let record):
            note(record)
            return nil
        case .cgroup, .fuseDaemon, .mark, .exec:
            return nil
        }
    }

    /// Adds what the kernel counted for a process's reads of unselected files since the last
    /// time (`ProcessReadCounts.since`) to its `file="other"` series. Such reads are not timed,
    /// and no model file is among them: no latency, no load.
    public mutating func recordUnselected(pid: Int32, _ reads: ProcessReadCounts, into sink: some MetricSink) {
        guard reads != ProcessReadCounts() else { return }
        let labels = reader(ReadKey(pid: pid, file: Self.unselectedFiles)).labels
        if reads.readBytes > 0 || reads.readCalls > 0 { sink.add(reads.readBytes, to: .readBytes, labels: labels) }
        if reads.readCalls > 0 { sink.add(reads.readCalls, to: .readCalls, labels: labels) }
        if reads.readErrors > 0 { sink.add(reads.readErrors, to: .readErrors, labels: labels) }
        if reads.cacheMissBytes > 0 { sink.add(reads.cacheMissBytes, to: .cacheMissBytes, labels: labels) }
    }

    /// Stands for every unselected file of a process: never named, so labelled "other".
    static let unselectedFiles = FileID(device: DeviceNumber(rawValue: 0), inode: 0)

    /// The reader's entry, made on its first event: its labels decide its series.
    private mutating func reader(_ key: ReadKey) -> Reader {
        if let existing = readers[key] { return existing }
        var labels = labels(pid: key.pid, file: key.file)
        if series[labels] == nil, series.count >= configuration.maxSeries - (series[.other] == nil ? 1 : 0) {
            labels = .other
            foldedSeries += 1
        }
        series[labels, default: Series()].readers += 1
        let reader = Reader(labels: labels)
        readers[key] = reader
        return reader
    }

    private func labels(pid: Int32, file: FileID) -> MetricLabels {
        let process = processes[pid]
        let podUID = process?.identity.podUID
        let pod = podUID.flatMap(podName)
        return MetricLabels(
            namespace: pod?.namespace ?? "", pod: pod?.name ?? "", podUID: podUID ?? "",
            containerID: process?.identity.containerID ?? "", comm: process?.comm ?? "?",
            file: files[file]?.label ?? MetricLabels.otherValue)
    }

    /// Counts bytes toward the reader's load of the file: a file the load rule counts, done when
    /// the loaded share of its size has been read (as `ReadStats` decides it for the dump).
    private mutating func progress(
        _ key: ReadKey, adding counted: WritableKeyPath<Reader, UInt64>, _ bytes: UInt64, start: UInt64, end: UInt64,
        sink: some MetricSink
    ) -> FinishedLoad? {
        guard var reader = readers[key], reader.loadState != .finished, let file = files[key.file]?.record, file.sizeBytes > 0,
            configuration.loadRule.counts(path: file.displayPath, sizeBytes: file.sizeBytes, bytesRead: 0)
        else { return nil }
        defer { readers[key] = reader }
        reader[keyPath: counted] += bytes
        reader.firstStartNanoseconds = min(reader.firstStartNanoseconds, start)
        if reader.loadState == .none {
            reader.loadState = .inProgress
            changeLoadsInProgress(of: reader.labels, by: 1, sink: sink)
        }
        let needed = UInt64((configuration.loadedShare * Double(file.sizeBytes)).rounded(.up))
        guard reader.loadBytes >= needed else { return nil }
        reader.loadState = .finished
        changeLoadsInProgress(of: reader.labels, by: -1, sink: sink)
        let load = FinishedLoad(
            pid: key.pid, comm: processes[key.pid]?.comm ?? "?", file: key.file, path: file.displayPath, bytes: reader.loadBytes,
            startNanoseconds: reader.firstStartNanoseconds, endNanoseconds: max(end, reader.firstStartNanoseconds))
        sink.add(1, to: .fileLoads, labels: reader.labels)
        sink.observe(load.durationSeconds, in: .fileLoadDuration, labels: reader.labels)
        return load
    }

    private mutating func changeLoadsInProgress(of labels: MetricLabels, by change: Int, sink: some MetricSink) {
        guard var entry = series[labels] else { return }
        entry.loadsInProgress += change
        series[labels] = entry
        sink.setLoadsInProgress(entry.loadsInProgress, labels: labels)
    }

    /// When the earliest load still going began (CLOCK_MONOTONIC).
    public var earliestLoadInProgressStart: UInt64? {
        readers.values.lazy.filter { $0.loadState == .inProgress }.map(\.firstStartNanoseconds).min()
    }

    /// The loads begun and not finished, over every series.
    public var loadsInProgress: Int { series.values.reduce(0) { $0 + $1.loadsInProgress } }

    /// Notes processes that have exited, and forgets those gone for `forgetAfterNanoseconds`:
    /// their unfinished loads stop counting at once, their series go with the last of them.
    public mutating func sweep(now: UInt64, isAlive: (Int32) -> Bool, sink: some MetricSink) {
        var forgotten: Set<Int32> = []
        for (pid, process) in processes {
            if let gone = process.goneNanoseconds {
                if now &- gone >= configuration.forgetAfterNanoseconds { forgotten.insert(pid) }
            } else if !isAlive(pid) {
                processes[pid]?.goneNanoseconds = now
                endLoads(of: pid, sink: sink)
            }
        }
        // Readers whose process was never named (its record lost) go when it is gone.
        for key in readers.keys where processes[key.pid] == nil && !isAlive(key.pid) { forgotten.insert(key.pid) }
        guard !forgotten.isEmpty else { return }
        for pid in forgotten { processes[pid] = nil }
        for (key, reader) in readers where forgotten.contains(key.pid) {
            readers[key] = nil
            if reader.loadState == .inProgress { changeLoadsInProgress(of: reader.labels, by: -1, sink: sink) }
            guard var entry = series[reader.labels] else { continue }
            entry.readers -= 1
            if entry.readers > 0 {
                series[reader.labels] = entry
            } else {
                series[reader.labels] = nil
                sink.remove(reader.labels)
            }
        }
    }

    /// A process that exited mid-load is loading nothing any more.
    private mutating func endLoads(of pid: Int32, sink: some MetricSink) {
        for (key, reader) in readers where key.pid == pid && reader.loadState == .inProgress {
            readers[key]?.loadState = .finished
            changeLoadsInProgress(of: reader.labels, by: -1, sink: sink)
        }
    }

    /// Files are named once by the kernel, which keeps 65,536 of them as named: more than that
    /// here, and the ones no process is reading any more are let go.
    public mutating func trimFiles(keeping limit: Int = 65_536) {
        guard files.count > limit else { return }
        let read = Set(readers.keys.map(\.file))
        for file in files.keys where !read.contains(file) {
            files[file] = nil
            if files.count <= limit { break }
        }
    }
}
