import Foundation
import Testing

/// Names any process can choose, read and traced for real: files named with a terminal escape
/// and with a newline, read by a process that renamed itself (prctl) to an escape that would
/// clear the screen. Text outputs show them escaped, one row each; the dump keeps them exact.
@Suite(
    "Hostile file and process names", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct HostileNameTests {
    static let escape = UInt8(0x1b)
    static let comm = "\u{1b}]0;PW\u{7}\u{1b}[2J"
    static let shownComm = #"\x1b]0;PW\x07\x1b[2J"#

    @Test("the summary and report escape hostile names, split no row, and the dump keeps them exact")
    func hostileNames() throws {
        let scratch = try ScratchDirectory()
        // Model-file names, so the report's timeline draws them as loads too.
        let osc = try scratch.file("osc\u{1b}]0;PWNED\u{7}.engine", size: 10_000)
        let newline = try scratch.file("new\nline.engine", size: 20_000)
        let trace = try Trace(["--comm", Self.comm, "--sort", "file"], in: scratch)
        let first = try runWorkload(["--file", osc, "--name", Self.comm])
        let second = try runWorkload(["--file", newline, "--name", Self.comm])
        let dump = try trace.stop()

        // The dump: exact names.
        #expect(dump.read(pid: first.pid, path: osc)?.int("read_bytes") == 10_000)
        #expect(dump.read(pid: second.pid, path: newline)?.int("read_bytes") == 20_000)
        #expect(dump.processes.contains { $0["comm"] as? String == Self.comm })

        // The summary: no escape byte, each name escaped on the row of its process.
        let summary = trace.running.standardOutput
        #expect(!summary.utf8.contains(Self.escape), "the summary carries a raw ESC")
        let rows = summary.split(separator: "\n")
        let oscRow = try #require(rows.first { $0.contains(#"osc\x1b]0;PWNED\x07.engine"#) }, "\(summary)")
        #expect(oscRow.hasPrefix(String(repeating: " ", count: 7 - "\(first.pid)".count) + "\(first.pid) \\x1b]0;PW"), "\(oscRow)")
        let newlineRow = try #require(rows.first { $0.hasSuffix(#"/new\nline.engine"#) }, "\(summary)")
        #expect(newlineRow.contains(" \(second.pid) ") && newlineRow.contains("20K"), "one row holds the whole entry: \(newlineRow)")
        #expect(!rows.contains { $0 == "line" || $0.hasPrefix("line ") }, "no row split at the newline")

        // report: the same, from the dump.
        let report = try RunningProcess(Paths.readtrace, ["report", trace.dumpPath, "--width", "200"]).finish()
        #expect(report.status == 0, "\(report.standardError)")
        #expect(!report.standardOutput.utf8.contains(Self.escape) && !report.standardError.utf8.contains(Self.escape))
        let reportRows = report.standardOutput.split(separator: "\n")
        for (pid, name) in [(first.pid, #"osc\x1b]0;PWNED\x07.engine"#), (second.pid, #"new\nline.engine"#)] {
            let pidCell = String(repeating: " ", count: max(0, 7 - "\(pid)".count)) + "\(pid)"
            #expect(
                reportRows.contains { $0.hasPrefix(pidCell + #" \x1b]0;PW"#) && $0.hasSuffix("/" + name) },
                "table: \(report.standardOutput)")
            #expect(
                reportRows.contains { $0.contains(" \(pid) ") && $0.contains(String(name.prefix(6))) && $0.contains("|") },
                "timeline: \(report.standardOutput)")
        }
        #expect(!reportRows.contains { $0.hasPrefix("line") }, "no row split at the newline")
    }

    @Test("a hostile name in an error line is escaped")
    func errorLines() throws {
        let result = try RunningProcess(Paths.readtrace, ["--cgroup", "/no\u{1b}]0;PWNED\u{7}\nforged: line", "--duration", "1"]).finish()
        #expect(result.status == 1)
        #expect(
            result.standardError.hasPrefix("readtrace: --cgroup /no\\x1b]0;PWNED\\x07\\nforged: line: no such cgroup under "),
            "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1 && !result.standardError.utf8.contains(Self.escape))
    }
}
