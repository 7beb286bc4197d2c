#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `readtrace diff --json`: the comparison as JSON, every matched file (not only the rows the
/// text shows), snake_case keys with units in their names as in the dump.
public struct DiffDocument: Encodable {
    public var baseline: String
    public var new: String
    public var threshold: Double
    public var key: String?
    public var regressed: Int
    public var files: [File]
    public var onlyInBaseline: [FileProfile]
    public var onlyInNew: [FileProfile]

    public struct File: Encodable {
        public var key: String
        public var regressed: [String]
        public var before: FileProfile
        public var after: FileProfile
        public var loadTimeRatio: Double?
        public var throughputRatio: Double?

        enum CodingKeys: String, CodingKey {
            case key, regressed, before, after
            case loadTimeRatio = "load_s_ratio"
            case throughputRatio = "throughput_ratio"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(regressed, forKey: .regressed)
            try container.encode(before, forKey: .before)
            try container.encode(after, forKey: .after)
            try container.encode(loadTimeRatio, forKey: .loadTimeRatio)
            try container.encode(throughputRatio, forKey: .throughputRatio)
        }
    }

    enum CodingKeys: String, CodingKey {
        case baseline, new, threshold, key, regressed, files
        case onlyInBaseline = "only_in_baseline"
        case onlyInNew = "only_in_new"
    }

    public init(_ diff: DumpDiff, baseline: String, new: String, key: FileKey) {
        self.baseline = baseline
        self.new = new
        threshold = diff.threshold
        self.key = key.pattern
        regressed = diff.regressed.count
        files = diff.changes.map { change in
            File(
                key: change.key, regressed: change.regressions.map(\.rawValue), before: change.before, after: change.after,
                loadTimeRatio: change.ratio(.loadTime).map { DumpDocument.rounded($0, decimals: 4) },
                throughputRatio: change.ratio(.throughput).map { DumpDocument.rounded($0, decimals: 4) })
        }
        onlyInBaseline = diff.onlyBefore
        onlyInNew = diff.onlyAfter
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(baseline, forKey: .baseline)
        try container.encode(new, forKey: .new)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(key, forKey: .key)
        try container.encode(regressed, forKey: .regressed)
        try container.encode(files, forKey: .files)
        try container.encode(onlyInBaseline, forKey: .onlyInBaseline)
        try container.encode(onlyInNew, forKey: .onlyInNew)
    }

    public func encoded() throws -> [UInt8] { Array(try DumpDocument.encoder().encode(self)) + [UInt8(ascii: "\n")] }
}

extension FileProfile: Encodable {
    enum CodingKeys: String, CodingKey {
        case key, path, readers, hosts
        case sizeBytes = "size_bytes"
        case bytes = "read_bytes"
        case missBytes = "cache_miss_bytes"
        case missShare = "cache_miss_share"
        case concurrentReaders = "max_concurrent_readers"
        case loadSeconds = "load_s"
        case throughputMiBPerSecond = "throughput_mib_s"
        case deviceP99Microseconds = "device_p99_us"
        case readAmplification = "read_amplification"
    }

    public func encode(to encoder: any Encoder) throws {
        func rounded(_ value: Double?) -> Double? { value.map { DumpDocument.rounded($0, decimals: 4) } }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(path, forKey: .path)
        try container.encode(sizeBytes, forKey: .sizeBytes)
        try container.encode(bytes, forKey: .bytes)
        try container.encode(missBytes, forKey: .missBytes)
        try container.encode(rounded(missShare), forKey: .missShare)
        try container.encode(readers, forKey: .readers)
        try container.encode(hosts, forKey: .hosts)
        try container.encode(concurrentReaders, forKey: .concurrentReaders)
        try container.encode(rounded(loadSeconds), forKey: .loadSeconds)
        try container.encode(rounded(throughputMiBPerSecond), forKey: .throughputMiBPerSecond)
        try container.encode(deviceP99Microseconds, forKey: .deviceP99Microseconds)
        try container.encode(rounded(readAmplification), forKey: .readAmplification)
    }
}
