/// One file's last loads, as a baseline store keeps them (`readtrace baseline`), and how far a
/// new load departs from them: in median absolute deviations (MAD) from their median, which a
/// few outliers among the history do not move, as they would a mean and standard deviation.
public struct BaselineHistory: Codable, Sendable, Equatable {
    public static let formatVersion = 1

    /// One load of the file, as `FileProfile` measured it.
    public struct Load: Codable, Sendable, Equatable {
        /// The dump's started_at and host: the same dump is recorded once.
        public var dumpStartedAt: String
        public var host: String
        public var loadSeconds: Double
        public var throughputMiBPerSecond: Double
        public var missShare: Double?
        public var deviceP99Microseconds: Double?
        public var readAmplification: Double?
        public var concurrentReaders: Int

        enum CodingKeys: String, CodingKey {
            case host
            case dumpStartedAt = "dump_started_at"
            case loadSeconds = "load_s"
            case throughputMiBPerSecond = "throughput_mib_s"
            case missShare = "cache_miss_share"
            case deviceP99Microseconds = "device_p99_us"
            case readAmplification = "read_amplification"
            case concurrentReaders = "max_concurrent_readers"
        }

        public init(_ profile: FileProfile, of dump: DumpDocument) {
            func rounded(_ value: Double) -> Double { DumpDocument.rounded(value, decimals: 6) }
            dumpStartedAt = dump.startedAt
            host = dump.host.hostname
            loadSeconds = rounded(profile.loadSeconds)
            throughputMiBPerSecond = rounded(profile.throughputMiBPerSecond)
            missShare = profile.missShare.map(rounded)
            deviceP99Microseconds = profile.deviceP99Microseconds
            readAmplification = profile.readAmplification.map(rounded)
            concurrentReaders = profile.concurrentReaders
        }
    }

    /// How far a load time is from the history.
    public struct Departure: Sendable, Equatable {
        public var median: Double
        /// The median absolute deviation, at least 1% of the median (a history of equal loads
        /// has none, and would make any change, however small, a departure).
        public var deviation: Double
        /// (load time - median) / deviation: positive when slower.
        public var deviations: Double
    }

    public var storeVersion = Self.formatVersion
    public var key: String
    public var loads: [Load]

    enum CodingKeys: String, CodingKey {
        case key, loads
        case storeVersion = "store_version"
    }

    public init(key: String, loads: [Load] = []) {
        self.key = key
        self.loads = loads
    }

    /// Adds a load, keeping the last `keep`; false when this dump's load is already in.
    public mutating func record(_ load: Load, keep: Int) -> Bool {
        guard !loads.contains(where: { $0.dumpStartedAt == load.dumpStartedAt && $0.host == load.host }) else { return false }
        loads.append(load)
        if loads.count > keep { loads.removeFirst(loads.count - keep) }
        return true
    }

    /// Where `loadSeconds` stands against the history's load times.
    public func departure(of loadSeconds: Double) -> Departure {
        let times = loads.map(\.loadSeconds)
        let median = Self.median(times)
        let deviation = max(Self.median(times.map { abs($0 - median) }), median * 0.01, 1e-9)
        return Departure(median: median, deviation: deviation, deviations: (loadSeconds - median) / deviation)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
