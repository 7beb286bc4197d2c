import Foundation
import Testing

/// Every kind of bad input ends with one clear line on standard error and a non-zero status,
/// before anything is attached.
@Suite("Bad input is refused with one line", .serialized,
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

    @Test("readtrace report refuses a corrupt dump, a missing one and another schema version", arguments: [
        ("{\"schema_version\": 1, \"reads\": 3}", "corrupt readtrace dump"), ("[1, 2]", "not a readtrace dump"),
        ("{\"schema_version\": 9}", "schema version 9"),
    ])
    func corruptDumps(content: String, message: String) throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/dump.json"
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        Self.expectOneLine(try Self.refusal(["report", path]), mentioning: message)
        Self.expectOneLine(try Self.refusal(["report", scratch.path + "/missing.json"]), mentioning: "No such file")
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
        Self.expectOneLine(try Self.refusal(["--json", "/nonexistent-dir/x.json", "--duration", "1"]),
                           mentioning: "/nonexistent-dir")
    }

    @Test("--json into an unwritable directory is refused before tracing")
    func unwritableDumpDirectory() throws {
        Self.expectOneLine(try Self.refusal(["--json", "/proc/readtrace.json", "--duration", "1"]),
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
        Self.expectOneLine(try Self.refusal(["--duration", "1"], as: ["--reuid=65534", "--regid=65534", "--clear-groups"]),
                           mentioning: "CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH are missing")
    }

    @Test("a command that does not exist")
    func missingCommand() throws {
        Self.expectOneLine(try Self.refusal(["--quiet", "--", "/nonexistent/program"]), mentioning: "/nonexistent/program")
    }
}
