import Foundation
import Testing

/// Every kind of bad input ends with one clear line on standard error and a non-zero status,
/// before anything is attached.
@Suite(
    "Bad input is refused with one line", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct BadInputTests {
    static func refusal(_ arguments: [String], as user: [String] = []) throws -> Finished {
        let command = user.isEmpty ? Paths.readtrace : "/usr/bin/setpriv"
        let process = try RunningProcess(command, user + (user.isEmpty ? [] : [Paths.readtrace]) + arguments)
        return process.finish()
    }

    static func expectOneLine(_ result: Finished, mentioning text: String) {
        #expect(result.status != 0)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.standardError)")
        #expect(result.standardError.hasPrefix("readtrace: "))
        #expect(result.standardError.contains(text), "\(result.standardError)")
        #expect(!result.standardError.contains("tracing with"), "nothing may be attached")
    }

    @Test(
        "readtrace report refuses what is not a dump with one line and status 2",
        arguments: [
            ("{\"schema_version\": 1, \"reads\": 3}", "host: missing"), ("[1, 2]", "not a readtrace dump"),
            ("{\"schema_version\": 9}", "dump has schema version 9"), ("{", "not JSON that can be read"),
        ])
    func corruptDumps(content: String, message: String) throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/dump.json"
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        let refused = try Self.refusal(["report", path])
        Self.expectOneLine(refused, mentioning: "\(path): \(message)")
        #expect(refused.status == 2)
        let missing = try Self.refusal(["report", scratch.path + "/missing.json"])
        Self.expectOneLine(missing, mentioning: "No such file")
        #expect(missing.status == 2)
    }

    /// Each of these killed `report` with SIGILL, grew without bound, or was called "not valid JSON".
    @Test(
        "readtrace report names the field of each crafted value and exits 2",
        arguments: [
            (#""bucket_s":0.1"#, #""bucket_s":0"#, "reads[0].timeline.bucket_s: 0.0 is not a bucket width"),
            (#""duration_s":"#, #""duration_s":1e308,"x":"#, "duration_s: 1e+308 is not 0 or a time"),
            (#""read_calls":"#, #""read_calls":-1,"x":"#, "reads[0].read_calls: -1 is not a whole number from 0 to 18446744073709551615"),
            (#""read_calls":"#, #""read_calls":1e30,"x":"#, "reads[0].read_calls: 1e+30 is not a whole number"),
            (#""file_id":"#, #""file_id":999,"x":"#, ".file_id: 1 refers to no file"),
        ])
    func craftedDumps(original: String, replacement: String, message: String) throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("model.engine", size: 100_000)
        let trace = try Trace(["--comm", "rt-crafted"], in: scratch)
        try runWorkload(["--file", file, "--name", "rt-crafted"])
        _ = try trace.stop()
        let valid = try String(contentsOfFile: trace.dumpPath, encoding: .utf8)
        let range = try #require(valid.range(of: original))
        let crafted = scratch.path + "/crafted.json"
        try Data(valid.replacingCharacters(in: range, with: replacement).utf8).write(to: URL(fileURLWithPath: crafted))
        let refused = try Self.refusal(["report", crafted])
        #expect(refused.status == 2, "\(refused.standardError)")
        #expect(refused.standardError.split(separator: "\n").allSatisfy { $0.hasPrefix("readtrace: \(crafted): ") })
        #expect(refused.standardError.contains(message), "\(refused.standardError)")
        #expect(!refused.standardError.contains("DecodingError"))
    }

    @Test("readtrace report refuses /dev/zero at once")
    func endlessInput() throws {
        let start = Date()
        let refused = try Self.refusal(["report", "/dev/zero"])
        Self.expectOneLine(refused, mentioning: "/dev/zero: not a readtrace dump")
        #expect(refused.status == 2)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("an unknown flag")
    func unknownFlag() throws {
        Self.expectOneLine(try Self.refusal(["--bogus"]), mentioning: "--bogus")
    }

    @Test("a malformed duration")
    func malformedDuration() throws {
        Self.expectOneLine(try Self.refusal(["--duration", "soon"]), mentioning: "soon")
    }

    @Test("--json into a missing directory is refused before tracing")
    func missingDumpDirectory() throws {
        Self.expectOneLine(
            try Self.refusal(["--json", "/nonexistent-dir/x.json", "--duration", "1"]),
            mentioning: "/nonexistent-dir")
    }

    @Test("--json into an unwritable directory is refused before tracing")
    func unwritableDumpDirectory() throws {
        Self.expectOneLine(
            try Self.refusal(["--json", "/proc/readtrace.json", "--duration", "1"]),
            mentioning: "/proc/readtrace.json")
    }

    @Test("--pid of no process")
    func missingPid() throws {
        Self.expectOneLine(try Self.refusal(["--pid", "999999999", "--duration", "1"]), mentioning: "999999999")
    }

    @Test("--cgroup that does not exist")
    func missingCgroup() throws {
        Self.expectOneLine(try Self.refusal(["--cgroup", "/no/such/cgroup", "--duration", "1"]), mentioning: "/no/such/cgroup")
    }

    @Test("not root, and no capabilities: all three are named")
    func notRoot() throws {
        Self.expectOneLine(
            try Self.refusal(["--duration", "1"], as: ["--reuid=65534", "--regid=65534", "--clear-groups"]),
            mentioning: "CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH are missing")
    }

    @Test("a command that does not exist exits 127, as a shell's does")
    func missingCommand() throws {
        for program in ["/nonexistent/program", "readtrace-no-such-command"] {
            let refused = try Self.refusal(["--quiet", "--", program])
            Self.expectOneLine(refused, mentioning: program)
            #expect(refused.status == 127)
        }
    }

    @Test("a command that cannot be run exits 126, as a shell's does")
    func unrunnableCommand() throws {
        let scratch = try ScratchDirectory()
        let plain = try scratch.file("not-executable.sh", size: 10)
        for program in [plain, scratch.path] {
            let refused = try Self.refusal(["--quiet", "--", program])
            Self.expectOneLine(refused, mentioning: "is not an executable file")
            #expect(refused.status == 126)
        }
    }
}
