import Testing

@testable import ReadTraceCore

@Suite("/proc/diskstats")
struct DiskStatsTests {
    /// A 4.14 kernel: 14 fields. Includes an old-style 7-field partition line and garbage.
    static let fourteenFields = """
         253       0 vda 19425 30 1554754 6672 4522 7002 177680 10852 0 8624 17472
         253       1 vda1 19324 30 1550578 6644 4507 7002 177560 10836 0 8600 17432
           8       1 sda1 1234 9876 555 4444
        not a diskstats line at all
           7       0 loop0 12 0 48
        """
    /// A 4.19 kernel: 18 fields (discards).
    static let eighteenFields = """
         259       0 nvme0n1 283047 2245 16713734 81948 1071424 1134418 31946842 958464 0 520172 1047076 120 0 2097152 8
         259       1 nvme0n1p1 282896 2245 16708926 81924 1071422 1134418 31946826 958460 0 520160 1047052 120 0 2097152 8
        """
    /// A 6.x kernel: 20 fields (flushes).
    static let twentyFields = """
         254       0 vda 84373 8751 8151846 31470 207893 196046 9263384 356813 1 148124 436591 0 0 0 0 49264 48307
          11       0 sr0 7 0 2 0 0 0 0 0 0 4 0 0 0 0 0 0 0
         252       0 zram0 3 0 24 0 0 0 0 0 0 0 0 0 0 0 0 0 0
         253       0 dm-0 100 x 800 5 0 0 0 0 0 4 5 0 0 0 0 0 0
        """

    @Test("the 14-field layout of kernels before 4.18, with old partition lines")
    func fourteen() throws {
        let snapshot = DiskStatsSnapshot(parsing: Self.fourteenFields, at: 0)
        #expect(snapshot.entries.map(\.name) == ["vda", "vda1", "sda1"])
        #expect(snapshot.skippedLines == 2, "the garbage line and the line with missing fields")
        let vda = try #require(snapshot.entries.first)
        #expect(vda.device == DeviceNumber(major: 253, minor: 0))
        #expect(vda.counters.reads == 19425 && vda.counters.sectorsRead == 1_554_754 && vda.counters.readMilliseconds == 6672)
        #expect(vda.counters.writes == 4522 && vda.counters.writeMilliseconds == 10852)
        #expect(vda.counters.ioMilliseconds == 8624 && vda.counters.weightedMilliseconds == 17472)
        let oldPartition = snapshot.entries[2].counters
        #expect(
            oldPartition.reads == 1234 && oldPartition.sectorsRead == 9876 && oldPartition.writes == 555
                && oldPartition.sectorsWritten == 4444)
    }

    @Test("the 18-field layout with discards (4.18+)")
    func eighteen() throws {
        let snapshot = DiskStatsSnapshot(parsing: Self.eighteenFields, at: 0)
        let disk = try #require(snapshot.entries.first)
        #expect(disk.counters.ioMilliseconds == 520172, "util comes from field 13, not the last field")
        #expect(disk.counters.weightedMilliseconds == 1_047_076)
        #expect(disk.counters.discards == 120 && disk.counters.sectorsDiscarded == 2_097_152 && disk.counters.discardMilliseconds == 8)
        #expect(snapshot.skippedLines == 0)
    }

    @Test("the 20-field layout with flushes (5.5+); a non-numeric field skips the line")
    func twenty() throws {
        let snapshot = DiskStatsSnapshot(parsing: Self.twentyFields, at: 0)
        #expect(snapshot.entries.map(\.name) == ["vda", "sr0", "zram0"])
        #expect(snapshot.skippedLines == 1)
        let vda = try #require(snapshot.entries.first)
        #expect(vda.counters.inFlight == 1 && vda.counters.ioMilliseconds == 148124)
        #expect(vda.counters.flushes == 49264 && vda.counters.flushMilliseconds == 48307)
    }

    /// Worked by hand: over 2 s, 400 reads of 2048 sectors (1 MiB each) that took 1200 ms in all,
    /// 100 writes of 8 sectors taking 300 ms, io_ticks +1500 ms and weighted ticks +3000 ms.
    @Test("rates follow iostat -x: r/s, rMB/s, await, aqu-sz and %util")
    func handWorkedRates() {
        var before = DiskCounters()
        var after = DiskCounters()
        (before.reads, before.sectorsRead, before.readMilliseconds) = (1000, 50_000, 9_000)
        (after.reads, after.sectorsRead, after.readMilliseconds) = (1400, 50_000 + 400 * 2048, 10_200)
        (before.writes, before.sectorsWritten, before.writeMilliseconds) = (10, 80, 100)
        (after.writes, after.sectorsWritten, after.writeMilliseconds) = (110, 880, 400)
        (before.ioMilliseconds, after.ioMilliseconds) = (7_000, 8_500)
        (before.weightedMilliseconds, after.weightedMilliseconds) = (20_000, 23_000)
        let rates = DiskRates(from: before, to: after, seconds: 2)
        #expect(rates.readIOsPerSecond == 200)
        #expect(rates.readMiBPerSecond == 200, "400 MiB in 2 s")
        #expect(rates.readAwaitMilliseconds == 3, "1200 ms over 400 reads")
        #expect(rates.writeIOsPerSecond == 50)
        #expect(rates.writeAwaitMilliseconds == 3)
        #expect(rates.writeBytes == 800 * 512)
        #expect(rates.queueDepth == 1.5, "3000 ms of requests in flight over 2000 ms")
        #expect(rates.utilizationPercent == 75, "1500 ms busy of 2000 ms")
    }

    @Test("no IO means zero await, not a division by zero; util never exceeds 100%")
    func idleAndSaturated() {
        var before = DiskCounters()
        var after = DiskCounters()
        after.ioMilliseconds = 1_030  // rounding in the kernel can overshoot the interval
        let rates = DiskRates(from: before, to: after, seconds: 1)
        #expect(rates.readAwaitMilliseconds == 0 && rates.writeAwaitMilliseconds == 0)
        #expect(rates.utilizationPercent == 100)
        before.reads = 5
        after.reads = 5
        #expect(!DiskRates(from: before, to: after, seconds: 1).hadIO)
    }

    @Test("32-bit counters that wrap still give the right delta")
    func counterWrap() {
        #expect(DiskRates.delta(UInt64(UInt32.max) - 9, 20) == 30)
        #expect(DiskRates.delta(100, 250) == 150)
        #expect(DiskRates.delta(UInt64.max - 1, 3) == 5, "64-bit wrap")
    }

    /// Found by the property-based run: a sector count that went backwards past 2^32 (a
    /// device reused under the same name) trapped multiplying the wrapped delta by 512.
    @Test("a sector count that went backwards gives saturated bytes, not a trap")
    func sectorsBackwards() {
        var before = DiskCounters()
        var after = DiskCounters()
        before.sectorsRead = 1 << 40
        after.sectorsRead = 1
        before.reads = 9_000_000_000
        after.reads = 1
        let rates = DiskRates(from: before, to: after, seconds: 1)
        #expect(rates.readBytes == .max && rates.readMiBPerSecond.isFinite && rates.hadIO)
    }

    @Test("devices appearing and disappearing between samples are handled")
    func deviceChurn() throws {
        var history = DeviceHistory(startNanoseconds: 0)
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 1 0 8 1 0 0 0 0 0 1 1", at: 0))
        history.record(
            DiskStatsSnapshot(parsing: "7 0 loop0 11 0 88 11 0 0 0 0 0 501 501\n7 1 loop1 0 0 0 0 0 0 0 0 0 0 0", at: 1_000_000_000))
        history.record(DiskStatsSnapshot(parsing: "7 1 loop1 4 0 32 4 0 0 0 0 0 10 10", at: 2_000_000_000))
        let loop0 = try #require(history.devices.first { $0.name == "loop0" })
        #expect(loop0.samples.count == 1 && loop0.samples[0].rates.readIOsPerSecond == 10)
        #expect(loop0.samples[0].rates.utilizationPercent == 50)
        #expect(loop0.latest == nil, "gone in the last snapshot")
        #expect(loop0.totals.readIOs == 10)
        let loop1 = try #require(history.devices.first { $0.name == "loop1" })
        #expect(loop1.samples.map(\.seconds) == [2])
        #expect(loop1.latest?.readIOs == 4)
    }

    @Test("the live view picks devices holding traced files, all active ones, or named ones")
    func selection() {
        var history = DeviceHistory(startNanoseconds: 0)
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n254 0 vda 0 0 0 0 0 0 0 0 0 0 0", at: 0))
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n254 0 vda 5 0 40 1 0 0 0 0 0 1 1", at: 1_000_000_000))
        let loopFiles: Set<DeviceNumber> = [DeviceNumber(major: 7, minor: 0)]
        #expect(history.devices(.auto, holding: loopFiles, latestOnly: true).map(\.name) == ["loop0"])
        #expect(history.devices(.all, holding: loopFiles, latestOnly: true).map(\.name) == ["vda"])
        #expect(history.devices(.named(["vda", "sdz"]), holding: [], latestOnly: true).map(\.name) == ["vda"])
    }

    @Test("--devices accepts auto, all or a list of names")
    func selectionParsing() {
        #expect(DeviceSelection(parsing: "auto") == .auto)
        #expect(DeviceSelection(parsing: "all") == .all)
        #expect(DeviceSelection(parsing: "vda,loop0") == .named(["vda", "loop0"]))
        #expect(DeviceSelection(parsing: "") == nil)
        #expect(DeviceSelection(parsing: "/dev/vda") == nil)
    }

    @Test("partitions name their disk, from sysfs")
    func partitions() {
        let topology = BlockDeviceTopology(diskOfPartition: ["vda1": "vda"])
        #expect(topology.disk(of: "vda1") == "vda")
        #expect(topology.disk(of: "vda") == "vda")
        let here = BlockDeviceTopology.read(names: ["loop0", "no-such-device"])
        #expect(here.diskOfPartition.isEmpty, "loop0 is a whole disk")
    }
}
