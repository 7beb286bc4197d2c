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

    public var hadIO: Bool { readIOs > 0 || writeIOs > 0 }

    public init(from earlier: DiskCounters, to later: DiskCounters, seconds: Double) {
        let reads = Self.delta(earlier.reads, later.reads)
        let writes = Self.delta(earlier.writes, later.writes)
        let milliseconds = seconds * 1000
        self.seconds = seconds
        readIOs = reads
        writeIOs = writes
        readBytes = Self.bytes(sectors: Self.delta(earlier.sectorsRead, later.sectorsRead))
        writeBytes = Self.bytes(sectors: Self.delta(earlier.sectorsWritten, later.sectorsWritten))
        readIOsPerSecond = seconds > 0 ? Double(reads) / seconds : 0
        writeIOsPerSecond = seconds > 0 ? Double(writes) / seconds : 0
        readMiBPerSecond = seconds > 0 ? Double(readBytes) / 1_048_576 / seconds : 0
        writeMiBPerSecond = seconds > 0 ? Double(writeBytes) / 1_048_576 / seconds : 0
        readAwaitMilliseconds = reads > 0 ? Double(Self.delta(earlier.readMilliseconds, later.readMilliseconds)) / Double(reads) : 0
        writeAwaitMilliseconds = writes > 0 ? Double(Self.delta(earlier.writeMilliseconds, later.writeMilliseconds)) / Double(writes) : 0
        queueDepth = milliseconds > 0 ? Double(Self.delta(earlier.weightedMilliseconds, later.weightedMilliseconds)) / milliseconds : 0
        utilizationPercent =
            milliseconds > 0
            ? min(100, Double(Self.delta(earlier.ioMilliseconds, later.ioMilliseconds)) / milliseconds * 100) : 0
    }

    /// 512-byte sectors in bytes; a delta no device can have (a counter that went backwards
    /// past 2^32) saturates instead of trapping.
    static func bytes(sectors: UInt64) -> UInt64 {
        let (bytes, overflow) = sectors.multipliedReportingOverflow(by: 512)
        return overflow ? .max : bytes
    }

    /// A counter's growth. A smaller later value means the counter wrapped: at 2^32 where the
    /// kernel keeps 32-bit counters (the earlier value fits in 32 bits), else at 2^64.
    static func delta(_ earlier: UInt64, _ later: UInt64) -> UInt64 {
        if later >= earlier { return later - earlier }
        if earlier <= UInt64(UInt32.max) { return (UInt64(UInt32.max) - earlier) + later + 1 }
        return later &- earlier
    }
}
