import Testing

@testable import ReadTraceCore

@Suite("Flight recorder: windows of the recent past, bounded")
struct FlightRecorderTests {
    static let file = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 12)
    static let second: UInt64 = 1_000_000_000

    static func read(_ pid: Int32, bytes: Int64, at end: UInt64) -> KernelEvent {
        .read(ReadRecord(pid: pid, threadID: pid, file: file, endNanoseconds: end, latencyNanoseconds: 1000, result: bytes))
    }

    static func recorder(retain: UInt64 = 60 * second, memory: Int = 1 << 20) -> FlightRecorder {
        var recorder = FlightRecorder(
            configuration: FlightRecorder.Configuration(retainNanoseconds: retain, memoryLimitBytes: memory), startNanoseconds: 0)
        recorder.note(
            TracedProcess(record: ProcessRecord(pid: 10, parentPid: 1, cgroupID: 0, comm: "trtserver"), cmdline: "trtserver --model a"))
        recorder.note(FileRecord(id: file, path: Array("/models/a.engine".utf8), sizeBytes: 1 << 20, kind: .regular, deleted: false))
        return recorder
    }

    @Test("a window's aggregate is the fold of the events inside it, with their names")
    func window() {
        var recorder = Self.recorder()
        for index in UInt64(0)..<10 { recorder.record(Self.read(10, bytes: 100, at: (index + 1) * Self.second)) }
        let window = recorder.window(from: 3 * Self.second, to: 6 * Self.second)
        let stats = window.aggregate.reads[ReadKey(pid: 10, file: Self.file)]
        #expect(stats?.calls == 3, "the reads ending at 3, 4 and 5 s")
        #expect(stats?.bytes == 300)
        #expect(window.aggregate.processes[10]?.cmdline == "trtserver --model a")
        #expect(window.aggregate.files[Self.file]?.displayPath == "/models/a.engine")
        #expect(!window.truncated)
    }

    @Test("FUSE daemons and marker spans are kept and replayed: a window's dump has its fuse_serves and marks")
    func daemonsAndMarks() {
        var recorder = Self.recorder()
        recorder.note(TracedProcess(record: ProcessRecord(pid: 20, parentPid: 1, cgroupID: 0, comm: "gcsfuse")))
        recorder.record(.fuseDaemon(FuseDaemonRecord(pid: 20, filesystem: DeviceNumber(major: 0, minor: 60))))
        recorder.record(.fuseDaemon(FuseDaemonRecord(pid: 30, filesystem: DeviceNumber(major: 0, minor: 61))))
        recorder.record(
            .read(
                ReadRecord(pid: 20, threadID: 20, file: Self.file, endNanoseconds: 2 * Self.second, latencyNanoseconds: 1000, result: 100)))
        recorder.record(.mark(MarkRecord(pid: 10, threadID: 11, mark: 0, startNanoseconds: Self.second, endNanoseconds: 4 * Self.second)))
        recorder.record(
            .mark(MarkRecord(pid: 10, threadID: 11, mark: 0, startNanoseconds: 8 * Self.second, endNanoseconds: 9 * Self.second)))
        let window = recorder.window(from: 0, to: 5 * Self.second)
        #expect(window.aggregate.fuseDaemons == [20: [DeviceNumber(major: 0, minor: 60)]], "the daemon of the window's reads only")
        #expect(window.aggregate.marks.map(\.endNanoseconds) == [4 * Self.second], "the span ending inside the window")
        #expect(window.aggregate.processes[10]?.record.comm == "trtserver", "a marked process is named")
        recorder.expire(now: 100 * Self.second, isAlive: { _ in false })
        #expect(recorder.window(from: 0, to: 100 * Self.second).aggregate.marks.isEmpty, "spans expire with the retention")
    }

    @Test("what is older than the retention goes, and a window reaching past it says where it starts")
    func retention() {
        var recorder = Self.recorder(retain: 5 * Self.second)
        for index in UInt64(0)..<10 { recorder.record(Self.read(10, bytes: 100, at: (index + 1) * Self.second)) }
        recorder.expire(now: 10 * Self.second + 1, isAlive: { _ in true })
        #expect(recorder.expiredEvents == 5)
        let window = recorder.window(from: 0, to: 11 * Self.second)
        #expect(window.truncated)
        #expect(window.startNanoseconds == 5 * Self.second + 1)
        #expect(window.aggregate.reads[ReadKey(pid: 10, file: Self.file)]?.bytes == 500)
    }

    @Test("memory is bounded: the oldest events go first, counted, and the window starts after them")
    func memoryBound() {
        let limit = 1000 * FlightRecorder.bytesPerEvent
        var recorder = Self.recorder(retain: 3600 * Self.second, memory: limit)
        for index in UInt64(0)..<5000 { recorder.record(Self.read(10, bytes: 1, at: index + 1)) }
        #expect(recorder.retainedEvents <= 1000)
        #expect(recorder.evictedEvents + UInt64(recorder.retainedEvents) == 5000)
        let window = recorder.window(from: 0, to: 10_000)
        #expect(window.truncated)
        #expect(window.aggregate.reads[ReadKey(pid: 10, file: Self.file)]?.bytes == UInt64(recorder.retainedEvents))
        #expect(recorder.retainedBytes >= recorder.retainedEvents * FlightRecorder.bytesPerEvent)
    }

    @Test("the names of processes that are gone and no longer referred to are let go")
    func names() {
        var recorder = Self.recorder(retain: 5 * Self.second)
        recorder.record(Self.read(10, bytes: 1, at: Self.second))
        recorder.expire(now: 100 * Self.second, isAlive: { _ in false })
        recorder.record(Self.read(10, bytes: 1, at: 101 * Self.second))
        let window = recorder.window(from: 0, to: 200 * Self.second)
        #expect(window.aggregate.processes[10]?.record.comm == "?")
    }
}

@Suite("Agent requests and triggers")
struct AgentRequestTests {
    @Test("/dump takes last=DURATION or from=RFC3339[&to=RFC3339]")
    func windows() throws {
        let now = 1_800_000_000.0
        #expect(
            try DumpWindowRequest(query: [("last", "10m")], now: now) == DumpWindowRequest(fromUnixSeconds: now - 600, toUnixSeconds: now))
        let range = try DumpWindowRequest(query: [("from", "2026-12-02T08:00:00Z"), ("to", "2026-12-02T09:00:00.5+01:00")], now: 2e9)
        #expect(range.fromUnixSeconds == 1_796_198_400)
        #expect(range.toUnixSeconds == 1_796_198_400.5)
        #expect(try DumpWindowRequest(query: [("from", "2026-12-02T08:00:00Z")], now: 2e9).toUnixSeconds == 2e9)
    }

    @Test("a malformed /dump request is refused with one line naming what is wrong")
    func refusals() {
        let cases: [([(name: String, value: String)], String)] = [
            ([], "no window"), ([("last", "soon")], "last=soon"), ([("last", "0")], "last=0"),
            ([("from", "yesterday")], "from=yesterday"), ([("from", "2026-02-31T00:00:00Z")], "from=2026-02-31"),
            ([("from", "2026-12-02T08:00:00Z"), ("to", "2026-12-02T07:00:00Z")], "before"),
            ([("last", "1m"), ("from", "2026-12-02T08:00:00Z")], "cannot be combined"), ([("limit", "3")], "unknown parameter 'limit'"),
            ([("last", "1m"), ("last", "2m")], "given twice"),
        ]
        for (query, expected) in cases {
            #expect(throws: DumpWindowRequest.Refusal.self) { try DumpWindowRequest(query: query, now: 2e9) }
            do {
                _ = try DumpWindowRequest(query: query, now: 2e9)
            } catch {
                #expect(error.description.contains(expected))
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test("rates are bytes per second with binary units and a required /s")
    func rates() {
        #expect(ByteRate(parsing: "100MiB/s")?.bytesPerSecond == 104_857_600.0)
        #expect(ByteRate(parsing: "1.5G/s")?.bytesPerSecond == 1_610_612_736.0)
        #expect(ByteRate(parsing: "4096/s")?.bytesPerSecond == 4096.0)
        for bad in ["100MiB", "fast/s", "-1M/s", "0/s", "/s"] { #expect(ByteRate(parsing: bad) == nil, "\(bad)") }
    }

    static func load(start: UInt64, end: UInt64, bytes: UInt64 = 100 << 20) -> FinishedLoad {
        FinishedLoad(
            pid: 1, comm: "r", file: FileID(device: DeviceNumber(major: 7, minor: 0), inode: 1), path: "/m/a.engine", bytes: bytes,
            startNanoseconds: start, endNanoseconds: end)
    }

    @Test("a slow load fires once per quiet period, its window starting at the earliest overlapping load")
    func trigger() {
        let second: UInt64 = 1_000_000_000
        var trigger = LoadTrigger(
            slowerThanBytesPerSecond: 100 * 1_048_576, longerThanNanoseconds: nil, quietNanoseconds: 300 * second,
            keepNanoseconds: 1800 * second)
        #expect(
            trigger.judge(Self.load(start: 5 * second, end: 6 * second), now: 6 * second, loadsInProgressSince: nil) == nil,
            "100 MiB in 1 s is fast enough")
        let slow = trigger.judge(
            Self.load(start: 5 * second + 500_000_000, end: 10 * second), now: 10 * second, loadsInProgressSince: 4 * second)
        #expect(slow?.writesDump == true)
        #expect(slow?.windowStartNanoseconds == 4 * second, "a load still in progress began earlier")
        #expect(slow?.reason == "22.2 MiB/s < 100.0 MiB/s")
        let again = trigger.judge(Self.load(start: 20 * second, end: 30 * second), now: 30 * second, loadsInProgressSince: nil)
        #expect(again?.writesDump == false, "one dump per five minutes")
        let later = trigger.judge(Self.load(start: 400 * second, end: 410 * second), now: 410 * second, loadsInProgressSince: nil)
        #expect(later?.writesDump == true)
        var longer = LoadTrigger(slowerThanBytesPerSecond: nil, longerThanNanoseconds: 30 * second, keepNanoseconds: 1800 * second)
        #expect(
            longer.judge(Self.load(start: 0, end: 31 * second, bytes: 1 << 40), now: 31 * second, loadsInProgressSince: nil)?.reason
                == "31s > 30s")
    }
}
