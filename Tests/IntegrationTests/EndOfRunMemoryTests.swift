import Foundation
import Testing

/// The end of a run costs about what tracing held, not a timeline per entry: thousands of
/// short-lived readers make thousands of entries, none of them a load. And a long write can be
/// stopped cleanly.
@Suite("The end of a run: memory and long writes", .serialized, .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct EndOfRunMemoryTests {
    static let processes = 1000

    /// A kernel-reported figure of /proc/PID/status, in KiB.
    static func status(_ field: String, of pid: Int32) -> Int? {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            .flatMap { Int($0.dropFirst(field.count + 1).split(whereSeparator: \.isWhitespace).first ?? "") }
    }

    @Test("1,000 short-lived readers over 30 s: the end of a run adds at most 3 KiB per entry, and every output is whole")
    func boundedAtExit() throws {
        let scratch = try ScratchDirectory()
        for index in 0..<20 { _ = try scratch.file("small-\(index).dat", size: 3000 + index) }
        // A copy of cat under a name of its own: only these readers are traced.
        let comm = "rtmem-\(UUID().uuidString.prefix(6).lowercased())"
        let reader = scratch.path + "/" + comm
        try FileManager.default.copyItem(atPath: "/bin/cat", toPath: reader)
        let (json, html, events, peak) = (
            scratch.path + "/run.json", scratch.path + "/run.html", scratch.path + "/events.json", scratch.path + "/peak"
        )
        // time(1) reports the traced run's peak over its whole life, exit included (wait4's ru_maxrss).
        let timed = try RunningProcess(
            "/usr/bin/time",
            ["-f", "%M", "-o", peak, Paths.readtrace, "--comm", comm, "--json", json, "--html", html, "--trace-events", events])
        try #require(timed.wait { timed.standardError.contains("tracing with") }, "\(timed.standardError)")
        let children = try String(contentsOfFile: "/proc/\(timed.pid)/task/\(timed.pid)/children", encoding: .utf8)
        let readtrace = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        let started = Date()
        let script =
            "i=0; while [ $i -lt \(Self.processes) ]; do \"$0\" \"$(printf '%s/small-%d.dat' \"$1\" $((i % 20)))\" > /dev/null; i=$((i + 1)); done"
        let loop = try RunningProcess("/bin/sh", ["-c", script, reader, scratch.path]).finish(timeout: 300)
        try #require(loop.status == 0, "\(loop.standardError)")
        // A 30 s run: a timeline per entry would be 300 buckets twice (4.7 KiB), beyond the bound.
        usleep(UInt32(max(2.5, 30 - Date().timeIntervalSince(started)) * 1_000_000))
        let tracingPeak = try #require(Self.status("VmHWM", of: readtrace))
        kill(readtrace, SIGINT)
        let finished = timed.finish(timeout: 240)
        #expect(finished.status == 0, "\(finished.standardError)")
        let exitPeak = try #require(
            Int((try String(contentsOfFile: peak, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The stated bound (DumpSource, the README): the end of a run adds at most 3 KiB per
        // entry, plus 16 KiB per counted load (none here). Before, every entry's timeline was
        // built: 11.8 KiB per entry for 5,000 readers.
        let entryCount = try Dump(path: json).reads.count
        #expect(
            exitPeak <= tracingPeak + 3 * entryCount,
            "peak \(exitPeak) KiB at exit, \(tracingPeak) KiB while tracing, \(entryCount) entries")

        // Whole and exact: one entry per reader with its file's bytes; the HTML embeds the very dump.
        let dump = try Dump(path: json)
        let entries = dump.reads.filter { read in
            guard let file = dump.files.first(where: { $0.int("file_id") == read.int("file_id") }),
                let path = file["path"] as? String, path.hasPrefix(scratch.path + "/small-")
            else { return false }
            return read.int("read_bytes") == file.int("size_bytes")
        }
        #expect(entries.count == Self.processes, "\(entries.count) whole reads of the small files")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        let opening = "<script type=\"application/json\" id=\"readtrace-data\">"
        let embedded = try #require(page.components(separatedBy: opening).last?.components(separatedBy: "</script>").first)
        let written = try String(contentsOfFile: json, encoding: .utf8)
        #expect(embedded.replacingOccurrences(of: "\\u003c", with: "<") == written, "the HTML embeds the JSON dump")
        let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: events))) as? [String: Any]
        #expect(trace?["traceEvents"] is [Any])
    }

    /// A run that traced 3,000 small files, stopped: its JSON is written first, then the HTML, as
    /// large, is under way. Returns the running readtrace and the three output paths.
    private func stopLongWrite(
        _ scratch: ScratchDirectory
    ) throws -> (readtrace: RunningProcess, outputs: String, json: String, html: String, events: String) {
        let directory = scratch.path + "/many"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for index in 0..<3000 { _ = try scratch.file("many/\(index).dat", size: 100) }
        let outputs = scratch.path + "/outputs"
        try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: true)
        let (json, html, events) = (outputs + "/run.json", outputs + "/run.html", outputs + "/events.json")
        let readtrace = try RunningProcess(
            Paths.readtrace, ["--comm", "rt-longwrite", "--quiet", "--json", json, "--html", html, "--trace-events", events])
        try #require(readtrace.wait { readtrace.standardError.contains("tracing with") })
        try runWorkload(["--directory", directory, "--name", "rt-longwrite"])
        usleep(1_500_000)
        kill(readtrace.pid, SIGINT)
        try #require(readtrace.wait(upTo: 120) { readtrace.standardError.contains("wrote \(json)") }, "\(readtrace.standardError)")
        return (readtrace, outputs, json, html, events)
    }

    @Test("a second Ctrl-C during a long write stops it: the output being written and those after are named, none is left half-written")
    func secondInterruptStopsTheWrite() throws {
        let scratch = try ScratchDirectory()
        let (readtrace, outputs, json, html, events) = try stopLongWrite(scratch)
        usleep(100_000)
        kill(readtrace.pid, SIGINT)
        let finished = readtrace.finish(timeout: 120)
        #expect(finished.status == 128 + SIGINT, "\(finished.standardError)")
        #expect(finished.standardError.contains("\(html) not written (stopped while writing it)"), "\(finished.standardError)")
        #expect(finished.standardError.contains("\(events) not written (stopped)"), "\(finished.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs) == ["run.json"], "no half-written output or temporary file")
        _ = try Dump(path: json)
    }

    @Test("SIGKILL in the middle of a write leaves no temporary file: the output being written was never named")
    func killDuringWriteLeavesNothing() throws {
        let scratch = try ScratchDirectory()
        let (readtrace, outputs, json, _, _) = try stopLongWrite(scratch)
        // The HTML is being written when readtrace holds an unnamed file in the outputs directory
        // (an O_TMPFILE shows in /proc as "#inode (deleted)").
        let unnamedFile = { () -> Bool in
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(readtrace.pid)/fd")) ?? []
            return descriptors.contains { descriptor in
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(readtrace.pid)/fd/\(descriptor)")) ?? ""
                return target.hasPrefix(outputs + "/") && target.hasSuffix(" (deleted)")
            }
        }
        try #require(readtrace.wait(upTo: 60, until: unnamedFile), "no write caught under way: \(readtrace.standardError)")
        kill(readtrace.pid, SIGKILL)
        let finished = readtrace.finish(timeout: 60)
        #expect(finished.status == SIGKILL, "killed by the signal (Foundation reports its number)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs) == ["run.json"], "no half-written output or temporary file")
        _ = try Dump(path: json)
        #expect(try attachedReadtracePrograms() == 0, "probes must be detached once readtrace is killed")
    }
}
