import Glibc
import Testing

@testable import ReadTraceCore

@Suite("Live view at node scale")
struct LiveViewTests {
    static let start: UInt64 = 1_000_000_000
    static let second: UInt64 = 1_000_000_000
    static let device = DeviceNumber(major: 259, minor: 0)
    static let engine = FileID(device: device, inode: 1)
    static let podPath =
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab.slice"
        + "/cri-containerd-" + String(repeating: "4f5d9c1e", count: 8) + ".scope"

    /// A node at 10 s: trtserver (pid 200, in a pod) has read 179 MiB of a 200 MiB engine, 20 MiB in the last second,
    /// half of it from disk; python3 (pid 100) read 300 small files early on; dd (pid 300) read 8 MiB and has ended.
    static func node() -> (aggregate: TraceAggregate, interval: InsertionOrderedTable<ReadKey, IntervalStats>) {
        var aggregate = TraceAggregate(startNanoseconds: start) { record in
            TracedProcess(record: record, cgroupPath: record.pid == 200 ? podPath : "/user.slice")
        }
        for (pid, comm) in [(100, "python3"), (200, "trtserver"), (300, "dd")] as [(Int32, String)] {
            aggregate.record(.process(ProcessRecord(pid: pid, parentPid: 1, cgroupID: 1, comm: comm)))
        }
        aggregate.record(
            .file(
                FileRecord(
                    id: engine, path: Array("/models/resnet50/model.engine".utf8), sizeBytes: 200 << 20,
                    kind: .regular, deleted: false)))
        for index in 0..<300 {
            let file = FileID(device: device, inode: UInt64(1000 + index))
            aggregate.record(
                .file(
                    FileRecord(
                        id: file, path: Array("/usr/lib/python3/dist-packages/module\(index).pyc".utf8),
                        sizeBytes: UInt64(4096 * (1 + index % 40)), kind: .regular, deleted: false)))
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: 100, threadID: 100, file: file, endNanoseconds: start + UInt64(index) * 1_000_000,
                        latencyNanoseconds: 5_000, result: Int64(4096 * (1 + index % 40)))))
        }
        let dd = FileID(device: device, inode: 2)
        aggregate.record(.file(FileRecord(id: dd, path: Array("/var/tmp/blob".utf8), sizeBytes: 8 << 20, kind: .regular, deleted: false)))
        for index in 0..<8 {
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: 300, threadID: 300, file: dd, endNanoseconds: start + second + UInt64(index) * 100_000_000,
                        latencyNanoseconds: 1_000_000, result: 1 << 20)))
        }
        // 159 MiB over the first nine seconds, then 20 MiB in the tenth.
        for index in 0..<179 {
            let end = index < 159 ? start + UInt64(index) * 56_000_000 : start + 9 * second + UInt64(index - 159) * 50_000_000
            if index == 159 { _ = aggregate.takeInterval() }
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: 200, threadID: 200, file: engine, endNanoseconds: end, latencyNanoseconds: 2_000_000,
                        result: 1 << 20, cacheMissBytes: index % 2 == 0 ? 1 << 20 : 0)))
            if index % 2 == 0 {
                aggregate.record(
                    .block(
                        BlockRecord(
                            pid: 200, device: device, file: engine, bytes: 1 << 20, endNanoseconds: end,
                            queuedNanoseconds: 1_500_000)))
            }
        }
        return (aggregate, aggregate.takeInterval())
    }

    static func render(
        width: Int = 160, height: Int = 40, sort: SortKey = .bytes, policy: RowPolicy = RowPolicy(),
        grouping: GroupBy = .process, running: Set<Int32> = [100, 200], help: Bool = false
    ) -> [String] {
        let (aggregate, interval) = node()
        var view = LiveView(sort: sort, pathFilter: PathFilter([]), grouping: grouping, rowPolicy: policy, width: width, height: height)
        view.isRunning = { running.contains($0) }
        view.showsHelp = help
        view.acceptsKeys = true
        return view.render(
            aggregate: aggregate, interval: interval, intervalSeconds: 1, elapsedSeconds: 10, hook: .fentry,
            counters: KernelCounters(eventsEmitted: 1000, eventsLost: 0), eventsPerSecond: 100)
    }

    /// The table header's column titles, sort arrows removed, and its note on hidden columns.
    static func header(_ lines: [String]) -> (titles: [String], note: String) {
        let header = lines.first { $0.contains(" FILE") || $0.contains(" FILE▲") } ?? ""
        let titles = header.split(separator: " ").map { $0.replacingOccurrences(of: "▼", with: "").replacingOccurrences(of: "▲", with: "") }
        let end = titles.firstIndex(of: "FILE").map { $0 + 1 } ?? titles.count
        return (Array(titles[..<end]), header.components(separatedBy: "FILE").last ?? "")
    }

    @Test(
        "at each width the columns are kept and dropped in the set order, and the hidden ones are counted",
        arguments: [
            (80, ["PID", "S", "COMM", "BYTES", "MiB/s", "DONE", "ETA", "FILE"], 10),
            (100, ["PID", "S", "COMM", "POD", "BYTES", "MiB/s", "DISK", "DONE", "ETA", "FILE"], 8),
            (120, ["PID", "S", "COMM", "POD", "BYTES", "MiB/s", "DISK", "P99", "DISK99", "TOTAL", "DONE", "ETA", "FILE"], 5),
            (
                160,
                [
                    "PID", "S", "COMM", "POD", "READS", "BYTES", "MiB/s", "MISS", "DISK", "P50", "P99", "DISK50", "DISK99", "TOTAL", "SIZE",
                    "DONE", "ETA", "FILE",
                ], 0
            ),
        ] as [(Int, [String], Int)])
    func widths(width: Int, columns: [String], hidden: Int) {
        let lines = Self.render(width: width)
        #expect(lines.allSatisfy { $0.count <= width }, "\(lines)")
        let header = Self.header(lines)
        #expect(header.titles == columns)
        #expect(header.note == (hidden == 0 ? "" : " (\(hidden) columns hidden: ?)"))
        let engine = lines.first { $0.hasPrefix("    200 ") } ?? ""
        #expect(engine.hasSuffix(" /models/resnet50/model.engine"), "the file stays whole: \(engine)")
        #expect(engine.contains(" 20M ") && engine.contains(" 20.0 ") && engine.contains(" 89% "), "BYTES, MiB/s and DONE stay: \(engine)")
    }

    @Test(
        "the sort column is marked, and kept however narrow the screen",
        arguments: [
            (SortKey.bytes, "▼BYTES"), (.total, "▼TOTAL"), (.reads, "▼READS"), (.p99, "▼P99"), (.pid, "▲PID"), (.file, "FILE▲"),
        ])
    func sortIndicator(sort: SortKey, marked: String) {
        let header = Self.render(width: 80, sort: sort).first { $0.contains("FILE") } ?? ""
        #expect(header.contains(" \(marked)"), "\(header)")
        #expect(header.components(separatedBy: marked).count == 2, "one column marked: \(header)")
    }

    @Test("--top shows that many rows and sums the rest exactly: count and bytes")
    func top() throws {
        let lines = Self.render(policy: RowPolicy(top: 1))
        #expect(lines.filter { $0.hasPrefix("    200 ") || $0.hasPrefix("    300 ") || $0.hasPrefix("    100 ") } == [lines[3]], "\(lines)")
        let rest = try #require(lines.first { $0.contains("… ") })
        let restBytes: UInt64 = (8 << 20) + 24_371_200
        #expect(rest.hasSuffix("… 301 more, \(TextFormat.bytes(restBytes))"), "dd's 8 MiB and python3's 300 files: \(rest)")
        let (aggregate, interval) = Self.node()
        let frame = LiveView(sort: .bytes, pathFilter: PathFilter([]), width: 160, height: 40)
            .frame(
                aggregate: aggregate, interval: interval, intervalSeconds: 1, elapsedSeconds: 10, hook: .fentry,
                counters: KernelCounters(), eventsPerSecond: 0)
        let rows = frame.rows.sorted { ReadRow.areInOrder($0, $1, by: .bytes) }
        let selection = RowSelection(rows, policy: RowPolicy(top: 1), bytes: \.totalBytes)
        #expect(selection.rest.count == 301 && ReadRow.sum(of: selection.rest).totalBytes == restBytes)
        let total = try #require(lines.first { $0.contains("all 302 rows") })
        #expect(total.hasSuffix("all 302 rows, 3 processes") && total.contains(" 210M "), "\(total)")
    }

    @Test("--min-bytes sums the rows that read less")
    func minimumBytes() {
        let lines = Self.render(policy: RowPolicy(minimumBytes: 1 << 20))
        #expect(lines.contains { $0.hasPrefix("    200 ") } && lines.contains { $0.hasPrefix("    300 ") })
        #expect(!lines.contains { $0.hasPrefix("    100 ") })
        #expect(lines.contains { $0.hasSuffix("… 300 more, \(TextFormat.bytes(24_371_200))") }, "\(lines)")
    }

    @Test("--hide-idle hides rows idle that long and shows them again when they read")
    func hideIdle() {
        let policy = RowPolicy(hideIdleAfter: TimeSpan(seconds: 5))
        let lines = Self.render(policy: policy)
        #expect(lines.filter { $0.hasPrefix("    1") || $0.hasPrefix("    3") }.isEmpty, "python3 and dd are idle: \(lines)")
        #expect(lines.contains { $0.hasSuffix("… 301 more, 31M (301 idle)") }, "\(lines)")

        var (aggregate, _) = Self.node()
        let module = FileID(device: Self.device, inode: 1005)
        aggregate.record(
            .read(
                ReadRecord(
                    pid: 100, threadID: 100, file: module, endNanoseconds: Self.start + 10 * Self.second,
                    latencyNanoseconds: 1_000, result: 100)))
        let interval = aggregate.takeInterval()
        let again = LiveView(sort: .bytes, pathFilter: PathFilter([]), rowPolicy: policy, width: 160, height: 40)
            .render(
                aggregate: aggregate, interval: interval, intervalSeconds: 1, elapsedSeconds: 10, hook: .fentry,
                counters: KernelCounters(), eventsPerSecond: 0)
        #expect(again.contains { $0.hasPrefix("    100 R python3") && $0.hasSuffix("/module5.pyc") }, "\(again)")
        #expect(again.contains { $0.hasSuffix("… 300 more, 31M (300 idle)") }, "\(again)")
    }

    @Test("rows of ended processes are marked E, idle ones I, reading ones R")
    func endedProcesses() {
        let lines = Self.render()
        #expect(lines.contains { $0.hasPrefix("    300 E dd ") })
        #expect(lines.contains { $0.hasPrefix("    200 R trtserver ") })
        #expect(lines.contains { $0.hasPrefix("    100 I python3 ") })
        #expect(Self.render(running: [100, 200, 300]).contains { $0.hasPrefix("    300 I dd ") })
    }

    @Test("a group's row is marked ended only when every process of the group has ended")
    func endedGroups() {
        let lines = Self.render(grouping: .pod, running: [200])
        #expect(lines.contains { $0.hasPrefix("pod 0b9f3c2e-6d1a-4b7e R ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("dd 300                 E ") }, "\(lines)")
        #expect(Self.render(grouping: .pod, running: []).contains { $0.hasPrefix("pod 0b9f3c2e-6d1a-4b7e E ") })
    }

    @Test("progress: DONE is TOTAL as a share of SIZE, ETA the rest at the interval's rate; neither for idle rows")
    func progress() throws {
        let engine = try #require(Self.render().first { $0.hasPrefix("    200 ") })
        #expect(engine.contains("   179M   200M  89%  1.1s "), "179M of 200M, 21 MiB left at 20 MiB/s: \(engine)")
        let dd = try #require(Self.render().first { $0.hasPrefix("    300 ") })
        #expect(dd.contains("   8.0M   8.0M 100%     - "), "\(dd)")
    }

    @Test("an idle row shows dashes for the interval's figures, not the whole run's percentiles")
    func idleRowsShowNoPercentiles() throws {
        let dd = try #require(Self.render().first { $0.hasPrefix("    300 ") })
        // POD, READS, BYTES, MiB/s, MISS, DISK, P50, P99, DISK50, DISK99; then TOTAL.
        #expect(
            dd.hasPrefix("    300 E dd              -             -      -      -      -      -       -       -       -       -   8.0M "),
            "\(dd)")
    }

    @Test("one unit system: MiB/s and binary sizes, labelled; no rate for a file read in under 0.1 s")
    func units() throws {
        let lines = Self.render()
        #expect(lines.contains { $0.contains(" MiB/s ") } && !lines.contains { $0.contains("MB/s") })
        #expect(lines.last?.contains("K/M/G: KiB/MiB/GiB") == true)
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        aggregate.record(.process(ProcessRecord(pid: 7, parentPid: 1, cgroupID: 1, comm: "python3")))
        aggregate.record(
            .read(
                ReadRecord(
                    pid: 7, threadID: 7, file: Self.engine, endNanoseconds: Self.start + 1_000_000,
                    latencyNanoseconds: 900_000, result: 157 << 10)))
        let interval = aggregate.takeInterval()
        let small = try #require(
            LiveView(sort: .bytes, pathFilter: PathFilter([]), width: 160, height: 40)
                .render(
                    aggregate: aggregate, interval: interval, intervalSeconds: 1, elapsedSeconds: 1, hook: .fentry,
                    counters: KernelCounters(), eventsPerSecond: 0
                ).first { $0.hasPrefix("      7 ") })
        #expect(small.contains("   157K      - "), "157 KiB in 1 ms has no rate: \(small)")
        #expect(DeviceTable.header.contains(" rMiB/s ") && DeviceTable.header.contains(" wMiB/s "))
    }

    @Test("a pod column when a traced process is in a pod, and not when rows are pods or there is none")
    func podColumn() {
        #expect(Self.header(Self.render()).titles.contains("POD"))
        #expect(!Self.render(grouping: .pod).contains { $0.contains(" POD ") })
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        aggregate.record(
            .read(ReadRecord(pid: 7, threadID: 7, file: Self.engine, endNanoseconds: Self.start, latencyNanoseconds: 1, result: 1)))
        let interval = aggregate.takeInterval()
        let lines = LiveView(sort: .bytes, pathFilter: PathFilter([]), width: 160, height: 40)
            .render(
                aggregate: aggregate, interval: interval, intervalSeconds: 1, elapsedSeconds: 1, hook: .fentry,
                counters: KernelCounters(), eventsPerSecond: 0)
        #expect(!Self.header(lines).titles.contains("POD"))
    }

    @Test("the help explains every column, says which are hidden, and lists the keys", arguments: [80, 160])
    func help(width: Int) {
        let lines = Self.render(width: width, height: 24, help: true)
        #expect(lines.count <= 24 && lines.allSatisfy { $0.count <= width })
        #expect(lines.contains { $0.hasPrefix("Keys: ? help") })
        let columns: [Column] = [
            .pid, .state, .comm, .pod, .reads, .bytes, .rate, .cacheMiss, .disk, .p50, .p99, .disk50, .disk99,
            .total, .size, .done, .eta, .file,
        ]
        for column in columns {
            let line = lines.first { $0.hasPrefix("  \(column.title) ") }
            #expect(line?.hasSuffix(column.meaning) == true, "\(column.title): \(lines)")
        }
        #expect(lines.filter { $0.contains("[hidden]") }.count == (width == 80 ? 10 : 0))
    }
}

@Suite("README")
struct ReadmeColumnTests {
    @Test("the README defines every table column with the words the help screen uses")
    func columnsDefined() throws {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        let readme = try #require(ProcFS.readText(path + "/README.md"))
        for column in Column.allCases {
            #expect(readme.contains("| `\(column.title)` | \(column.meaning) |"), "\(column.title) is defined in the README")
        }
    }
}

@Suite("Ended processes")
struct ProcessEndTests {
    @Test("a running process is running; an exited one, reaped or still a zombie, is not")
    func running() throws {
        #expect(ProcFS.isRunning(getpid()))
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { for argument in argv { free(argument) } }
        try #require(posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0)
        // Not reaped yet: a zombie once it has exited.
        var zombie = false
        for _ in 0..<500 where !zombie {
            zombie = ProcFS.readText("/proc/\(pid)/stat")?.contains(") Z ") == true
            usleep(10_000)
        }
        try #require(zombie)
        #expect(!ProcFS.isRunning(pid))
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(!ProcFS.isRunning(pid))
    }
}
