/// One file's loads in a dump, across every process, pod and host that read it (in a merged
/// dump, every copy of it): how long it took, how fast, how much came from the disk, how often
/// it was read over, and by how many readers at once. `diff`, `baseline` and `report` compare
/// and show files through it.
public struct FileProfile: Sendable, Equatable {
    /// The path, or what `--key` captured from it.
    public var key: String
    /// The path of its largest copy.
    public var path: String
    public var sizeBytes: UInt64
    /// Bytes read and faulted in, by every reader.
    public var bytes: UInt64
    /// Bytes those reads and faults brought into the page cache.
    public var missBytes: UInt64
    /// (process, file) entries that read it, and the hosts they ran on.
    public var readers: Int
    public var hosts: Int
    /// The most readers loading it at one moment.
    public var concurrentReaders: Int
    /// The slowest reader's load: from its first read until it had read the dump's loaded share
    /// of the file (or its last read, if it never did).
    public var loadSeconds: Double
    /// Bytes over the time from the first reader's first read to the last reader's end.
    public var throughputMiBPerSecond: Double
    /// The worst reader's 99th-percentile block-request latency (percentiles of different
    /// readers do not add up); nil when no request reached a device.
    public var deviceP99Microseconds: Double?

    /// The share of the bytes that came into the page cache by these reads: 1 for a cold load.
    public var missShare: Double? { bytes > 0 ? Double(missBytes) / Double(bytes) : nil }

    /// Bytes read over the file's size: 1 for one reader reading it once, 4 for four.
    public var readAmplification: Double? { sizeBytes > 0 ? Double(bytes) / Double(sizeBytes) : nil }

    /// The files `rule` counts as loads, by key; files `key` does not match are left out.
    /// `loads`: the dump's, when the caller has them already.
    public static func profiles(of dump: DumpDocument, loads: [FileLoad]? = nil, rule: LoadRule, key: FileKey) -> [FileProfile] {
        var byKey: [String: [FileLoad]] = [:]
        for load in (loads ?? dump.loads) where rule.counts(load) {
            guard let path = load.file?.path, let name = key.key(of: path) else { continue }
            byKey[name, default: []].append(load)
        }
        return byKey.map { FileProfile(key: $0.key, loads: $0.value) }.sorted { ($0.bytes, $1.key) > ($1.bytes, $0.key) }
    }

    init(key: String, loads: [FileLoad]) {
        self.key = key
        var largest: DumpDocument.File?
        for file in loads.compactMap(\.file) where file.sizeBytes > largest?.sizeBytes ?? 0 || largest == nil { largest = file }
        path = largest?.path ?? key
        sizeBytes = largest?.sizeBytes ?? 0
        bytes = loads.reduce(0) { $0 + $1.bytes }
        missBytes = loads.reduce(0) { $0 + $1.read.cacheMissBytes + $1.read.mmapFaultBytes }
        readers = loads.count
        hosts = Set(loads.map(\.host)).count
        concurrentReaders = LoadConcurrency(spans: loads.map(\.span)).peak?.count ?? min(loads.count, 1)
        loadSeconds = loads.map { $0.span.upperBound - $0.span.lowerBound }.max() ?? 0
        let start = loads.map(\.span.lowerBound).min() ?? 0
        let end = loads.map(\.span.upperBound).max() ?? 0
        throughputMiBPerSecond = end > start ? Double(bytes) / 1_048_576 / (end - start) : 0
        deviceP99Microseconds = loads.filter { $0.read.blockReadIOs > 0 }.map(\.read.blockLatencyMicroseconds.p99).max()
    }
}
