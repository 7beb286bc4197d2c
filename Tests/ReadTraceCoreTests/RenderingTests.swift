import Testing

@testable import ReadTraceCore

@Suite("Live view and summary")
struct RenderingTests {
    static let start: UInt64 = 5_000_000_000
    static let engine = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 1)
    static let weights = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 2)
    static let longPath = "/models/" + String(repeating: "very-long-directory-name/", count: 8) + "resnet50.engine"

    /// Two readers: pid 10 reads the engine fast (100 MiB over 0.2 s), pid 20 reads the weights slowly.
    static func aggregate() -> TraceAggregate {
        var aggregate = TraceAggregate(startNanoseconds: start)
        aggregate.record(.process(ProcessRecord(pid: 10, parentPid: 1, cgroupID: 1, comm: "trtserver")))
        aggregate.record(.process(ProcessRecord(pid: 20, parentPid: 1, cgroupID: 1, comm: "python3")))
        aggregate.record(.file(FileRecord(id: engine, path: Array(longPath.utf8), sizeBytes: 1 << 30, kind: .regular, deleted: false)))
        aggregate.record(
            .file(FileRecord(id: weights, path: Array("/data/w.safetensors".utf8), sizeBytes: 1 << 20, kind: .regular, deleted: true)))
        for index in 0..<100 {
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: 10, threadID: 10, file: engine, endNanoseconds: start + UInt64(index) * 2_000_000,
                        latencyNanoseconds: 50_000, result: 1 << 20, cacheMissBytes: index < 10 ? 1 << 20 : 0)))
        }
        aggregate.record(
            .read(
                ReadRecord(
                    pid: 20, threadID: 20, file: weights, endNanoseconds: start + 500_000_000,
                    latencyNanoseconds: 3_000_000, result: 4096)))
        return aggregate
    }

    static func render(
        _ aggregate: inout TraceAggregate, width: Int = 120, height: Int = 40, sort: SortKey = .bytes,
        grouping: GroupBy = .process,
        counters: KernelCounters = KernelCounters(eventsEmitted: 101, eventsLost: 0)
    ) -> [String] {
        let interval = aggregate.takeInterval()
        return LiveView(sort: sort, pathFilter: PathFilter([]), grouping: grouping, width: width, height: height)
            .render(
                aggregate: aggregate, interval: interval, intervalSeconds: 1, elapsedSeconds: 65,
                hook: .tracepoint, counters: counters, eventsPerSecond: 12_345)
    }

    @Test("the header shows elapsed time, hook, event rate and lost events")
    func header() {
        var aggregate = Self.aggregate()
        let lines = Self.render(&aggregate, width: 160)
        #expect(lines[0] == "readtrace  elapsed 1m05s  hook tracepoint  events 12k/s  lost 0")
        #expect(lines[2].hasPrefix("    PID S COMM") && lines[2].hasSuffix("FILE"))
    }

    @Test("lost events stand out in the header")
    func lostEvents() {
        var aggregate = Self.aggregate()
        let lines = Self.render(&aggregate, counters: KernelCounters(eventsEmitted: 10, eventsLost: 7, skippedProgramRuns: 3))
        #expect(lines[0].contains("LOST 7 EVENTS"))
        #expect(lines[0].contains("SKIPPED 3 RUNS"))
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(),
            counters: KernelCounters(eventsEmitted: 10, eventsLost: 0, skippedProgramRuns: 3))
        let summary = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), width: 150).render(aggregate: aggregate, metadata: metadata)
        #expect(summary.contains("the kernel skipped readtrace's programs 3 times"))
        #expect(DumpDocument(aggregate: aggregate, metadata: metadata, pathFilter: PathFilter([])).skippedProgramRuns == 3)
    }

    @Test("rows are sorted by bytes in the interval, with MiB/s over the interval")
    func sortedByIntervalBytes() {
        var aggregate = Self.aggregate()
        let rows = Self.render(&aggregate, width: 160).dropFirst(3)
        #expect(rows.first?.contains("trtserver") == true)
        #expect(rows.first?.contains(" 100.0 ") == true, "100 MiB in 1 s is 100.0 MiB/s: \(rows.first ?? "")")
        #expect(rows.first?.contains(" 10M ") == true, "10 of the 100 reads missed the cache: \(rows.first ?? "")")
        #expect(rows.dropFirst().first?.contains("python3") == true)
        #expect(rows.dropFirst().first?.hasSuffix("/data/w.safetensors (deleted)") == true)
    }

    @Test("rows idle in the interval come after active ones and show dashes")
    func idleRowsLast() {
        var aggregate = Self.aggregate()
        _ = aggregate.takeInterval()
        aggregate.record(
            .read(
                ReadRecord(
                    pid: 20, threadID: 20, file: Self.weights, endNanoseconds: Self.start + 2_000_000_000,
                    latencyNanoseconds: 1_000, result: 10)))
        let rows = Array(Self.render(&aggregate).dropFirst(3))
        #expect(rows[0].contains("python3"))
        #expect(rows[1].contains("trtserver") && rows[1].contains(" - "))
    }

    @Test("long paths are elided in the middle and no line exceeds the width", arguments: [200, 120, 80, 60, 40])
    func widthIsRespected(width: Int) throws {
        var aggregate = Self.aggregate()
        let lines = Self.render(&aggregate, width: width)
        #expect(lines.allSatisfy { $0.count <= width }, "\(lines)")
        let engineRow = try #require(lines.first { $0.hasPrefix("     10 ") })
        #expect(engineRow.contains(" /"), "the start of the path survives: \(engineRow)")
        #expect(engineRow.contains("…"), "the 223-character path never fits")
        if width >= 120 { #expect(engineRow.contains(" /models/")) }
        if width >= 80 {
            #expect(engineRow.hasSuffix("…/resnet50.engine"), "the file name survives whole: \(engineRow)")
        }
    }

    @Test("a narrow terminal drops the detail columns but keeps BYTES, MiB/s, DONE, ETA and FILE, and says how many it hid")
    func narrowTerminalDropsColumns() {
        var aggregate = Self.aggregate()
        let header = Self.render(&aggregate, width: 72)[2]
        #expect(!header.contains("TOTAL") && !header.contains("P99"))
        #expect(["BYTES", "MiB/s", "DONE", "ETA", "FILE"].allSatisfy(header.contains), "\(header)")
        #expect(header.hasSuffix("FILE (10 columns hidden)"), "\(header)")
    }

    @Test("too many rows for the height end with a line summing the rest, then the totals and the legend")
    func heightIsRespected() {
        var aggregate = Self.aggregate()
        let lines = Self.render(&aggregate, height: 6)
        #expect(lines.count == 6, "\(lines)")
        #expect(lines[3].hasSuffix("… 2 more, 100M"), "\(lines)")
        #expect(lines[4].hasSuffix("all 2 rows, 2 processes"), "\(lines)")
        #expect(lines[5].hasPrefix("S: R reading"), "\(lines)")
        #expect(Self.render(&aggregate, height: 7).filter { $0.contains("more") }.isEmpty, "two rows fit exactly: no rest line")
    }

    @Test("the summary covers the whole run with percentiles, errors and totals")
    func summary() {
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .fentry,
            startedAtUnixSeconds: 0, durationSeconds: 2, filters: .init(),
            counters: KernelCounters(eventsEmitted: 101, eventsLost: 3))
        let text = SummaryReport(sort: .total, pathFilter: PathFilter([]), width: 150).render(
            aggregate: Self.aggregate(), metadata: metadata)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "readtrace summary: 2.0s traced with fentry hooks, 101 events, 3 lost")
        #expect(lines[1].hasPrefix("WARNING: 3 events were lost"))
        #expect(text.contains("P90") && text.contains("MAX") && text.contains("ERRS"))
        #expect(text.contains("100M in 101 reads of 2 files by 2 processes"))
        let engineRow = lines.first { $0.contains("trtserver") }
        #expect(engineRow?.contains("50.0us") == true, "every engine read took 50 us: \(engineRow ?? "")")
    }

    @Test("the summary shows disk reads per (process, file) and who caused each device's block reads")
    func summaryBlockReads() {
        var aggregate = Self.aggregate()
        aggregate.record(
            .block(
                BlockRecord(
                    pid: 10, device: DeviceNumber(major: 7, minor: 0), file: Self.engine, bytes: 3 << 20,
                    endNanoseconds: Self.start + 1, queuedNanoseconds: 2_000_000)))
        var history = DeviceHistory(startNanoseconds: Self.start)
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0", at: Self.start))
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 4 0 8192 4 0 0 0 0 0 4 4", at: Self.start + 1_000_000_000))
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(), counters: KernelCounters())
        let blockReads = ["loop0": DeviceReadCounters(readBytes: 4 << 20, readIOs: 4, attributedBytes: 3 << 20, filteredBytes: 1 << 20)]
        let text = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), width: 200)
            .render(aggregate: aggregate, metadata: metadata, deviceHistory: history, blockReads: blockReads)
        let engineRow = text.split(separator: "\n").first { $0.contains("trtserver") } ?? ""
        #expect(engineRow.contains("  3.0M ") && engineRow.contains("2.0ms"), "DISK and its latency: \(engineRow)")
        #expect(
            text.contains("loop0: 4.0M read: 3.0M for traced processes' files, 1.0M by processes filtered out, 0 unattributed"),
            "\(text)")
        #expect(!text.contains("diskstats counted"), "the kernel saw what diskstats counted: \(text)")
        // At 80 columns the line is wrapped, its last count kept.
        let narrow = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), width: 80)
            .render(aggregate: aggregate, metadata: metadata, deviceHistory: history, blockReads: blockReads)
        let narrowLines = narrow.split(separator: "\n")
        #expect(narrowLines.allSatisfy { $0.count <= 80 }, "\(narrow)")
        #expect(narrowLines.contains { $0.hasPrefix("  ") && $0.hasSuffix("0 unattributed") }, "\(narrow)")
    }

    @Test("the summary says when diskstats counted more reads than the block programs saw, unless they saw none (device mapper)")
    func summaryUnseenBlockReads() {
        var history = DeviceHistory(startNanoseconds: Self.start)
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n253 0 dm-0 0 0 0 0 0 0 0 0 0 0 0", at: Self.start))
        history.record(
            DiskStatsSnapshot(
                parsing: "7 0 loop0 824 0 16384 4 0 0 0 0 0 4 4\n253 0 dm-0 8 0 16384 4 0 0 0 0 0 4 4",
                at: Self.start + 1_000_000_000))
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(), counters: KernelCounters())
        func summary(loop0Bytes: UInt64) -> String {
            let blockReads = [
                "loop0": DeviceReadCounters(readBytes: loop0Bytes, readIOs: 820, attributedBytes: loop0Bytes),
                "dm-0": DeviceReadCounters(),
            ]
            return SummaryReport(sort: .bytes, pathFilter: PathFilter([]), devices: .all, width: 300)
                .render(aggregate: Self.aggregate(), metadata: metadata, deviceHistory: history, blockReads: blockReads)
        }
        let short = summary(loop0Bytes: (8 << 20) - (5 << 20) / 2)
        #expect(short.contains("loop0: diskstats counted 2.5M more read: the kernel did not run readtrace's block programs"), "\(short)")
        #expect(!short.contains("dm-0: diskstats counted"), "no request of dm-0 reaches the programs: \(short)")
        #expect(!summary(loop0Bytes: (8 << 20) - 4096).contains("diskstats counted"), "within one request of diskstats")
    }

    @Test("--group-by pod folds the processes of a pod reading one file into one row")
    func groupedByPod() {
        let pod = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab.slice"
        var aggregate = TraceAggregate(startNanoseconds: Self.start) { record in
            TracedProcess(record: record, cgroupPath: record.pid == 30 ? "/user.slice" : pod + "/cri-containerd-\(record.pid).scope")
        }
        for pid: Int32 in [10, 20, 30] {
            aggregate.record(.process(ProcessRecord(pid: pid, parentPid: 1, cgroupID: 1, comm: "trtserver")))
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: pid, threadID: pid, file: Self.engine, endNanoseconds: Self.start + 1,
                        latencyNanoseconds: UInt64(pid) * 1000, result: 1 << 20)))
        }
        let rows = Array(Self.render(&aggregate, width: 160, grouping: .pod).dropFirst(2))
        #expect(rows[0].hasPrefix("GROUP ") && !rows[0].contains("PID"))
        let podRow = rows.first { $0.hasPrefix("pod 0b9f3c2e-6d1a-4b7e") }
        #expect(podRow?.contains("  2.0M ") == true, "two processes of the pod, 1 MiB each: \(rows)")
        #expect(rows.contains { $0.hasPrefix("trtserver 30 ") }, "a process outside any pod stands for itself: \(rows)")
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(), counters: KernelCounters())
        let summary = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), grouping: .pod, width: 160)
            .render(aggregate: aggregate, metadata: metadata)
        #expect(summary.contains("3.0M in 3 reads of 1 file by 3 processes"), "\(summary)")
    }

    @Test("a summary with no reads says so")
    func emptySummary() {
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(), counters: KernelCounters())
        let text = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), width: 80)
            .render(aggregate: TraceAggregate(startNanoseconds: 0), metadata: metadata)
        #expect(text.contains("no reads of regular files matched the filters"))
    }
}

@Suite("Formatting numbers for tables")
struct TextFormatTests {
    @Test(
        "bytes use binary units and stay short",
        arguments: [
            (0, "0"), (999, "999"), (1023, "1.0K"), (1024, "1.0K"), (1536, "1.5K"), (10 << 20, "10M"),
            (1 << 30, "1.0G"), (UInt64.max, "16E"),
        ] as [(UInt64, String)])
    func bytes(value: UInt64, expected: String) {
        #expect(TextFormat.bytes(value) == expected)
    }

    @Test(
        "durations pick a unit",
        arguments: [
            (850, "850ns"), (12_340, "12.3us"), (410_000_000, "410ms"), (1_204_000_000, "1.20s"),
        ] as [(UInt64, String)])
    func durations(nanoseconds: UInt64, expected: String) {
        #expect(TextFormat.duration(nanoseconds: nanoseconds) == expected)
    }

    @Test("elapsed time reads like a clock")
    func elapsed() {
        #expect(TextFormat.elapsed(seconds: 5.25) == "5.3s")
        #expect(TextFormat.elapsed(seconds: 65) == "1m05s")
        #expect(TextFormat.elapsed(seconds: 7_380) == "2h03m")
    }

    @Test("middle elision keeps both ends and the exact width", arguments: [0, 1, 2, 5, 10, 29])
    func elision(width: Int) {
        let text = "/models/resnet50/model.engine"
        let elided = TextFormat.elideMiddle(text, toWidth: width)
        #expect(elided.count == min(width, text.count))
        if width >= 5 {
            #expect(elided.hasPrefix("/") && elided.hasSuffix("e"))
        }
        #expect(TextFormat.elideMiddle(text, toWidth: 100) == text)
    }

    @Test("paths keep their file name whole when it fits")
    func pathElision() {
        #expect(TextFormat.elidePath("/models/resnet50/model.engine", toWidth: 20) == "/model…/model.engine")
        #expect(TextFormat.elidePath("/models/resnet50/model.engine", toWidth: 10) == "/mod…ngine", "no room for the name")
        #expect(TextFormat.elidePath("no-slash-at-all-here", toWidth: 9) == "no-s…here")
    }

    @Test("fixed-point rounding without Foundation")
    func fixedPoint() {
        #expect(TextFormat.fixed(1.25, decimals: 1) == "1.3", "halves round away from zero")
        #expect(TextFormat.fixed(0.05, decimals: 2) == "0.05")
        #expect(TextFormat.fixed(-2.5, decimals: 0) == "-3")
        #expect(TextFormat.fixed(-0.01, decimals: 1) == "0.0", "no negative zero")
        #expect(TextFormat.fixed(104.8576, decimals: 1) == "104.9")
        #expect(TextFormat.fixed(.nan, decimals: 1) == "-")
    }
}
