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
            let major = UInt32(fields[0]), let minor = UInt32(fields[1]), major < 4096, minor < 1 << 20
        else { return nil }
        let values = fields[3...].compactMap { UInt64($0) }
        guard values.count == fields.count - 3 else { return nil }
        var counters = DiskCounters()
        if values.count == 4 {
            (counters.reads, counters.sectorsRead, counters.writes, counters.sectorsWritten) = (values[0], values[1], values[2], values[3])
        } else {
            (counters.reads, counters.readsMerged, counters.sectorsRead, counters.readMilliseconds) = (
                values[0], values[1], values[2], values[3]
            )
            (counters.writes, counters.writesMerged, counters.sectorsWritten, counters.writeMilliseconds) = (
                values[4], values[5], values[6], values[7]
            )
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
