import Foundation
import Testing

/// The fixture a load-phase test marks: a loader library built from C ("deserialize" reads a
/// file, "copy" takes a size), a workload that links it, the same workload reaching it through
/// dlopen, and a linked copy under another name that the --comm filter leaves out.
final class PhaseFixture {
    let scratch: ScratchDirectory
    let library: String
    let linked: String
    let dlopened: String
    let filteredOut: String
    let model: String

    static let sources = Paths.repository + "/Tests/IntegrationTests/Fixtures/phases"

    init() throws {
        scratch = try ScratchDirectory()
        library = scratch.path + "/libphaseloader.so"
        linked = scratch.path + "/phaseworkload"
        dlopened = scratch.path + "/phasedlopen"
        filteredOut = scratch.path + "/phaseother"
        model = try scratch.file("model.bin", size: 3 << 20)
        try Self.compile(["-shared", "-fPIC", "-Wl,-soname,libphaseloader.so", "-o", library, Self.sources + "/phaseloader.c"])
        let linking = ["-DLINKED", Self.sources + "/phaseworkload.c", "-L", scratch.path, "-lphaseloader", "-Wl,-rpath," + scratch.path]
        try Self.compile(["-o", linked] + linking)
        try Self.compile(["-o", filteredOut] + linking)
        try Self.compile(["-o", dlopened, Self.sources + "/phaseworkload.c", "-ldl"])
    }

    static func compile(_ arguments: [String]) throws {
        let result = try RunningProcess("/usr/bin/cc", ["-O1"] + arguments).finish()
        try #require(result.status == 0, "cc \(arguments.joined(separator: " ")): \(result.standardError)")
    }

    /// A workload's log: (call, thread, start, end, size) per call, in the order made.
    static func log(_ path: String) throws -> [(call: String, tid: Int, start: UInt64, end: UInt64, size: Int?)] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let words = line.split(separator: " ").map(String.init)
            return (words[0], Int(words[1])!, UInt64(words[2])!, UInt64(words[3])!, words.count > 4 ? Int(words[4]) : nil)
        }
    }
}

extension Dump {
    var marks: [[String: Any]] { root["marks"] as? [[String: Any]] ?? [] }
    var phaseBreakdown: [[String: Any]] { root["phase_breakdown"] as? [[String: Any]] ?? [] }

    /// A process's spans in the order they started.
    func marks(of pid: Int32) -> [[String: Any]] {
        marks.filter { $0.int("pid") == Int(pid) }.sorted { ($0["start_s"] as! Double) < ($1["start_s"] as! Double) }
    }
}

/// Load phases with the real uprobes: markers on a C library's functions and a workload's USDT
/// probes, checked call by call against the workload's own log.
@Suite(
    "Load phases: uprobe and USDT markers with the real BPF programs", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct LoadPhaseTests {
    static func markers(_ fixture: PhaseFixture) -> [String] {
        [
            "--mark", "deserialize=\(fixture.library):deserialize",
            "--mark", "copy=\(fixture.library):copy:bytes=arg3",
            "--mark", "transfer=usdt:\(fixture.linked):phases:copy_begin,copy_end:bytes=arg1",
            "--mark", "begin=usdt:\(fixture.linked):phases:copy_begin",
        ]
    }

    /// The spans of one process match its log: per call of deserialize and copy one span, in
    /// order, each inside the interval the workload timed around the call; copy's size as bytes.
    static func expectSpans(
        _ spans: [[String: Any]], match log: [(call: String, tid: Int, start: UInt64, end: UInt64, size: Int?)], usdt: Bool
    ) {
        let functionSpans = spans.filter { ["deserialize", "copy"].contains($0["name"] as? String) }
        #expect(functionSpans.map { $0["name"] as? String } == log.map(\.call))
        for (span, call) in zip(functionSpans, log) {
            #expect(span.int("tid") == call.tid)
            let duration = span["duration_s"] as? Double ?? -1
            #expect(duration > 0 && duration <= Double(call.end - call.start) / 1e9 + 1e-6, "\(call.call): \(duration) s")
            #expect(span.int("bytes") == call.size)
        }
        let copies = log.filter { $0.call == "copy" }
        let transfers = spans.filter { $0["name"] as? String == "transfer" }
        let points = spans.filter { $0["name"] as? String == "begin" }
        #expect(transfers.count == (usdt ? copies.count : 0))
        #expect(transfers.map { $0.int("bytes") } == (usdt ? copies.map(\.size) : []))
        #expect(points.count == (usdt ? copies.count : 0))
        #expect(points.allSatisfy { $0["duration_s"] as? Double == 0 && $0["bytes"] is NSNull })
    }

    @Test(
        "every call is a span in the workload's order with its size as bytes: a process linked after the start, one that dlopens later, one filtered out"
    )
    func spansMatchTheWorkloadsLog() throws {
        let fixture = try PhaseFixture()
        let path = fixture.scratch.path
        // Running before readtrace starts, the library not mapped yet: it dlopens once told to.
        let early = try RunningProcess(fixture.dlopened, [fixture.library, fixture.model, "3", path + "/early.log", "wait"])
        let trace = try Trace(
            ["--comm", "phaseworkload", "--comm", "phasedlopen", "--quiet"] + Self.markers(fixture), in: fixture.scratch)
        early.sendLine()
        try #require(early.finish().status == 0, "early workload: \(early.standardError)")
        let started = Date()
        let (linkedPid, _) = try runPhaseWorkload(fixture.linked, [fixture.library, fixture.model, "5", path + "/linked.log"])
        let lifetime = Date().timeIntervalSince(started)
        let (otherPid, _) = try runPhaseWorkload(fixture.filteredOut, [fixture.library, fixture.model, "2", path + "/other.log"])
        let dump = try trace.stop()

        Self.expectSpans(dump.marks(of: linkedPid), match: try PhaseFixture.log(path + "/linked.log"), usdt: true)
        Self.expectSpans(dump.marks(of: early.pid), match: try PhaseFixture.log(path + "/early.log"), usdt: false)
        #expect(dump.marks(of: otherPid).isEmpty, "--comm leaves phaseother out")
        #expect(dump.processes.contains { $0.int("pid") == Int(linkedPid) && $0["comm"] as? String == "phaseworkload" })

        // The breakdown: reads, each phase and neither add up to the process's window, which
        // lies within its lifetime and covers every logged call.
        let breakdown = try #require(dump.phaseBreakdown.first { $0.int("pid") == Int(linkedPid) })
        let window = try #require(breakdown["window_s"] as? Double)
        let read = try #require(breakdown["read_s"] as? Double)
        let phases = try #require(breakdown["phases"] as? [[String: Any]])
        let neither = try #require(breakdown["neither_s"] as? Double)
        let sum = read + phases.compactMap { $0["seconds"] as? Double }.reduce(0, +) + neither
        #expect(abs(sum - window) < 5e-6, "\(read) + \(phases) + \(neither) = \(sum), window \(window)")
        #expect(phases.map { $0["name"] as? String } == ["deserialize", "copy", "transfer", "begin"])
        #expect(read > 0 && (breakdown["device_wait_s"] as? Double ?? -1) <= read)
        let log = try PhaseFixture.log(path + "/linked.log")
        #expect(window >= Double(log.last!.end - log.first!.start) / 1e9 - 1e-5)
        #expect(window <= lifetime)
        // deserialize reads the model: the time it spends outside reads is what its phase keeps.
        let deserializeTotal = dump.marks(of: linkedPid).filter { $0["name"] as? String == "deserialize" }
            .compactMap { $0["duration_s"] as? Double }.reduce(0, +)
        #expect((phases.first?["seconds"] as? Double ?? 0) < deserializeTotal)
    }

    @Test(
        "a library seen only in another mount namespace is marked through /proc/PID/root, for a process running at start and one exec'd later"
    )
    func otherMountNamespace() throws {
        let fixture = try PhaseFixture()
        // The library's path inside the namespaces: an empty directory on the host.
        let inside = fixture.scratch.path + "/ns-lib"
        try FileManager.default.createDirectory(atPath: inside, withIntermediateDirectories: true)
        let copy = fixture.scratch.path + "/copy"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.library, toPath: copy + "/libphaseloader.so")
        func namespaced(_ source: String, log: String) throws -> RunningProcess {
            try RunningProcess(
                "/usr/bin/unshare",
                [
                    "-m", "/bin/sh", "-c", "mount --bind \"$0\" \"$1\" && exec \"$2\" \"$1/libphaseloader.so\" \"$3\" 2 \"$4\" wait",
                    source, inside, fixture.dlopened, fixture.model, log,
                ])
        }
        let running = try namespaced(fixture.scratch.path, log: fixture.scratch.path + "/running.log")
        #expect(running.wait(upTo: 10) { FileManager.default.fileExists(atPath: "/proc/\(running.pid)/root\(inside)/libphaseloader.so") })
        #expect(!FileManager.default.fileExists(atPath: inside + "/libphaseloader.so"), "the host does not see it")
        let trace = try Trace(
            ["--comm", "phasedlopen", "--quiet", "--mark", "deserialize=\(inside)/libphaseloader.so:deserialize"], in: fixture.scratch)
        running.sendLine()
        try #require(running.finish().status == 0, "\(running.standardError)")
        // Another copy (another inode) in a new namespace: found when its process execs.
        let later = try namespaced(copy, log: fixture.scratch.path + "/later.log")
        usleep(500_000)
        later.sendLine()
        try #require(later.finish().status == 0, "\(later.standardError)")
        let dump = try trace.stop()
        let pids = Set(dump.marks.compactMap { $0.int("pid") })
        #expect(dump.marks.count == 4, "two deserialize calls each: \(dump.marks)")
        #expect(pids.count == 2)
    }

    @Test(
        "a marker that cannot work is refused in one line naming what is missing",
        arguments: [
            ("deserialize=libphase-missing-marks.so:deserialize", "no library libphase-missing-marks.so in the loader's cache"),
            ("deserialize=/nonexistent-marks/libphaseloader.so:deserialize", "no such file /nonexistent-marks/libphaseloader.so"),
            ("absent=LIBRARY:no_such_function", "no function no_such_function in"),
            ("hidden=STRIPPED:count_bytes", "which is stripped (no .symtab)"),
            ("probe=usdt:WORKLOAD:phases:no_such_probe", "no USDT probe phases:no_such_probe in"),
            ("notelf=MODEL:deserialize", "is not a 64-bit ELF file"),
        ])
    func refusals(mark: String, message: String) throws {
        let fixture = try PhaseFixture()
        let stripped = fixture.scratch.path + "/libstripped.so"
        try #require(try RunningProcess("/usr/bin/strip", ["--strip-unneeded", "-o", stripped, fixture.library]).finish().status == 0)
        let value = mark.replacingOccurrences(of: "LIBRARY", with: fixture.library)
            .replacingOccurrences(of: "STRIPPED", with: stripped).replacingOccurrences(of: "WORKLOAD", with: fixture.linked)
            .replacingOccurrences(of: "MODEL", with: fixture.model)
        BadInputTests.expectOneLine(try BadInputTests.refusal(["--mark", value, "--duration", "1"]), mentioning: message)
    }

    @Test("the unstripped library's local function can be marked: the refusal above is the stripping's")
    func localFunctionBeforeStripping() throws {
        let fixture = try PhaseFixture()
        let trace = try Trace(
            ["--comm", "phaseworkload", "--quiet", "--mark", "count=\(fixture.library):count_bytes"], in: fixture.scratch)
        try runPhaseWorkload(fixture.linked, [fixture.library, fixture.model, "1", fixture.scratch.path + "/log"])
        let dump = try trace.stop()
        // 3 MiB read in 64 KiB calls, and the final call that returns 0 adds nothing.
        #expect(dump.marks.count == 48)
    }

    @Test("a preset whose library is not on the node is skipped with one line, and tracing goes on")
    func presetSkipped() throws {
        let cache = try RunningProcess("/sbin/ldconfig", ["-p"]).finish().standardOutput
        let fixture = try PhaseFixture()
        let trace = try Trace(["--quiet", "--preset", "tensorrt", "--mark", "d=\(fixture.library):deserialize"], in: fixture.scratch)
        let dump = try trace.stop()
        let notes = trace.running.standardError.split(separator: "\n").filter { $0.contains("--preset tensorrt") }
        if cache.contains("libnvinfer.so") {
            #expect(notes.isEmpty)
        } else {
            #expect(notes.count == 1, "\(trace.running.standardError)")
            #expect(notes.first?.contains("skipped: no library libnvinfer.so in the loader's cache") == true, "\(notes)")
            #expect((dump.root["markers"] as? [[String: Any]])?.map { $0["name"] as? String } == ["d"])
        }
    }

    @Test("a kernel without uprobes refuses --mark and --preset in one line")
    func withoutUprobes() throws {
        let fixture = try PhaseFixture()
        for flags in [["--mark", "d=\(fixture.library):deserialize"], ["--preset", "cuda"]] {
            var environment = ProcessInfo.processInfo.environment
            environment["READTRACE_DISABLE_FEATURES"] = "uprobes"
            let refused = try RunningProcess(Paths.readtrace, flags + ["--duration", "1"], environment: environment).finish()
            BadInputTests.expectOneLine(refused, mentioning: "\(flags[0]) needs uprobes, and this kernel has none")
        }
    }
}

/// Runs a phase workload to completion; returns its pid.
@discardableResult
func runPhaseWorkload(_ executable: String, _ arguments: [String]) throws -> (pid: Int32, output: String) {
    let workload = try RunningProcess(executable, arguments)
    let finished = workload.finish()
    try #require(finished.status == 0, "\(executable) failed: \(finished.standardError)")
    return (workload.pid, finished.standardOutput)
}
