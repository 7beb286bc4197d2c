/// Cumulative counters of one block device from /proc/diskstats
/// (Documentation/admin-guide/iostats.rst). Sectors are 512 bytes whatever the device.
public struct DiskCounters: Sendable, Equatable {
    public var reads: UInt64 = 0
    public var readsMerged: UInt64 = 0
    public var sectorsRead: UInt64 = 0
    public var readMilliseconds: UInt64 = 0
    public var writes: UInt64 = 0
    public var writesMerged: UInt64 = 0
    public var sectorsWritten: UInt64 = 0
    public var writeMilliseconds: UInt64 = 0
    public var inFlight: UInt64 = 0
    /// Time with at least one request in flight: the basis of %util.
    public var ioMilliseconds: UInt64 = 0
    /// Time in flight summed over requests: the basis of aqu-sz.
    public var weightedMilliseconds: UInt64 = 0
    public var discards: UInt64 = 0
    public var sectorsDiscarded: UInt64 = 0
    public var discardMilliseconds: UInt64 = 0
    public var flushes: UInt64 = 0
    public var flushMilliseconds: UInt64 = 0

    public init() {}
}

/// One line of /proc/diskstats.
public struct DiskStatsEntry: Sendable, Equatable {
    public var device: DeviceNumber
    public var name: String
    public var counters: DiskCounters
}

/// A reading of /proc/diskstats at one moment.
public struct DiskStatsSnapshot: Sendable, Equatable {
    /// CLOCK_MONOTONIC when it was read.
    public var nanoseconds: UInt64
    public var entries: [DiskStatsEntry]
    /// Lines that matched no layout the kernel has used; skipped, never fatal.
    public var skippedLines: Int

    public init(nanoseconds: UInt64, entries: [DiskStatsEntry], skippedLines: Int = 0) {
        self.nanoseconds = nanoseconds
        self.entries = entries
        self.skippedLines = skippedLines
    }

    /// Parses every layout the kernel has used: 14 fields (before 4.18), 18 (discards,
    /// 4.18+), 20 (flushes, 5.5+), and the 7-field partition lines of 2.6 kernels.
    public init(parsing text: String, at nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
        entries = []
        skippedLines = 0
        for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            if let entry = Self.entry(line) {
                entries.append(entry)
            } else {
                skippedLines += 1
            }
        }
    }

    static func entry(_ line: Substring) -> DiskStatsEntry? {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard [7, 14, 18, 20].contains(fields.count),
              let major = UInt32(fields[0]), let minor = UInt32(fields[1]), major < 4096, minor < 1 << 20 else { return nil }
        let values = fields[3...].compactMap { UInt64($0) }
        guard values.count == fields.count - 3 else { return nil }
        var counters = DiskCounters()
        if values.count == 4 {
            (counters.reads, counters.sectorsRead, counters.writes, counters.sectorsWritten) = (values[0], values[1], values[2], values[3])
        } else {
            (counters.reads, counters.readsMerged, counters.sectorsRead, counters.readMilliseconds) = (values[0], values[1], values[2], values[3])
            (counters.writes, counters.writesMerged, counters.sectorsWritten, counters.writeMilliseconds) = (values[4], values[5], values[6], values[7])
            (counters.inFlight, counters.ioMilliseconds, counters.weightedMilliseconds) = (values[8], values[9], values[10])
        }
        if values.count >= 15 {
            (counters.discards, counters.sectorsDiscarded, counters.discardMilliseconds) = (values[11], values[13], values[14])
        }
        if values.count == 17 {
            (counters.flushes, counters.flushMilliseconds) = (values[15], values[16])
        }
        return DiskStatsEntry(device: DeviceNumber(major: major, minor: minor), name: String(fields[2]), counters: counters)
    }
}

/// What a device did between two snapshots, computed as `iostat -x` does.
public struct DiskRates: Sendable, Equatable {
    public var seconds: Double
    public var readIOs: UInt64
    public var readBytes: UInt64
    public var writeIOs: UInt64
    public var writeBytes: UInt64
    public var readIOsPerSecond: Double
    public var writeIOsPerSecond: Double
    public var readMiBPerSecond: Double
    public var writeMiBPerSecond: Double
    /// Mean time a read took, queueing included: Δread ticks / Δreads.
    public var readAwaitMilliseconds: Double
    public var writeAwaitMilliseconds: Double
    /// Mean number of requests in flight: Δweighted ticks / Δt.
    public var queueDepth: Double
    /// Share of the time with a request in flight: Δio_ticks / Δt, at most 100.
    public var utilizationPercent: Double

    public var hadIO: Bool { readIOs + writeIOs > 0 }

    public init(from earlier: DiskCounters, to later: DiskCounters, seconds: Double) {
        let reads = Self.delta(earlier.reads, later.reads)
        let writes = Self.delta(earlier.writes, later.writes)
        let milliseconds = seconds * 1000
        self.seconds = seconds
        readIOs = reads
        writeIOs = writes
        readBytes = Self.delta(earlier.sectorsRead, later.sectorsRead) * 512
        writeBytes = Self.delta(earlier.sectorsWritten, later.sectorsWritten) * 512
        readIOsPerSecond = seconds > 0 ? Double(reads) / seconds : 0
        writeIOsPerSecond = seconds > 0 ? Double(writes) / seconds : 0
        readMiBPerSecond = seconds > 0 ? Double(readBytes) / 1_048_576 / seconds : 0
        writeMiBPerSecond = seconds > 0 ? Double(writeBytes) / 1_048_576 / seconds : 0
        readAwaitMilliseconds = reads > 0 ? Double(Self.delta(earlier.readMilliseconds, later.readMilliseconds)) / Double(reads) : 0
        writeAwaitMilliseconds = writes > 0 ? Double(Self.delta(earlier.writeMilliseconds, later.writeMilliseconds)) / Double(writes) : 0
        queueDepth = milliseconds > 0 ? Double(Self.delta(earlier.weightedMilliseconds, later.weightedMilliseconds)) / milliseconds : 0
        utilizationPercent = milliseconds > 0
            ? min(100, Double(Self.delta(earlier.ioMilliseconds, later.ioMilliseconds)) / milliseconds * 100) : 0
    }

    /// A counter's growth. A smaller later value means the counter wrapped: at 2^32 where the
    /// kernel keeps 32-bit counters (the earlier value fits in 32 bits), else at 2^64.
    static func delta(_ earlier: UInt64, _ later: UInt64) -> UInt64 {
        if later >= earlier { return later - earlier }
        if earlier <= UInt64(UInt32.max) { return (UInt64(UInt32.max) - earlier) + later + 1 }
        return later &- earlier
    }
}

public enum DiskStats {
    /// Reads /proc/diskstats now; an unreadable file gives an empty snapshot.
    public static func read(path: String = "/proc/diskstats") -> DiskStatsSnapshot {
        DiskStatsSnapshot(parsing: ProcFS.readText(path) ?? "", at: Clock.monotonicNanoseconds())
    }
}
