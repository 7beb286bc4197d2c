import ArgumentParser
import ReadTraceCore
import ReadTraceKernel
import Testing

@testable import ReadTrace

@Suite("Command-line options")
struct CommandLineTests {
    @Test("tracing and report take the same row and load options")
    func rowOptionsShared() throws {
        let arguments = ["--top", "3", "--min-bytes", "1M", "--min-load-size", "32M"]
        let report = try ReportCommand.parse(["run.json"] + arguments)
        #expect(report.rows.policy == RowPolicy(top: 3, minimumBytes: 1 << 20))
        #expect(report.rows.rule.minimumBytes == 32 << 20)
        let options = try ReadTraceCommand.parse(arguments).options
        #expect(options.rows == RowPolicy(top: 3, minimumBytes: 1 << 20))
        #expect(options.loadRule.minimumBytes == 32 << 20)
        #expect(try ReportCommand.parse(["run.json"]).rows.policy == RowPolicy())
    }

    @Test("defaults: auto hook, 1 s refresh, sorted by interval bytes, no duration")
    func defaults() throws {
        let options = try ReadTraceCommand.parse([]).options
        #expect(options.hook == .auto)
        #expect(options.interval == TimeSpan(seconds: 1))
        #expect(options.duration == nil)
        #expect(options.sort == .bytes)
        #expect(options.command.isEmpty)
    }

    @Test("filters repeat and are kept in order")
    func repeatableFilters() throws {
        let options = try ReadTraceCommand.parse([
            "--comm", "trtserver", "--comm", "tritonserver", "--pid", "12", "--pid", "34",
            "--cgroup", "/kubepods.slice", "--path", "*.engine", "--path", "*.safetensors",
        ]).options
        #expect(options.comms == ["trtserver", "tritonserver"])
        #expect(options.pids == [12, 34])
        #expect(options.cgroups == ["/kubepods.slice"])
        #expect(options.paths == ["*.engine", "*.safetensors"])
    }

    @Test("--comm is cut to the kernel's 15 characters")
    func commIsTruncated() throws {
        let options = try ReadTraceCommand.parse(["--comm", "a-very-long-process-name"]).options
        #expect(options.comms == ["a-very-long-pro"])
    }

    @Test(
        "durations accept bare seconds and units",
        arguments: [
            ("10", 10_000_000_000), ("10s", 10_000_000_000), ("500ms", 500_000_000), ("2m", 120_000_000_000), ("1.5s", 1_500_000_000),
        ] as [(String, UInt64)])
    func durations(text: String, nanoseconds: UInt64) throws {
        let options = try ReadTraceCommand.parse(["--duration", text]).options
        #expect(options.duration?.nanoseconds == nanoseconds)
    }

    @Test(
        "bad values are refused with a message naming the flag",
        arguments: [
            ["--duration", "soon"], ["--duration", "-5s"], ["--duration", "0"], ["--interval", "1ms"],
            ["--hook", "uprobe"], ["--sort", "size"], ["--pid", "0"], ["--pid", "abc"], ["--bogus"],
        ])
    func badValues(arguments: [String]) {
        #expect(throws: (any Error).self) { try ReadTraceCommand.parse(arguments) }
        do {
            _ = try ReadTraceCommand.parse(arguments)
        } catch {
            let message = ReadTraceCommand.message(for: error)
            #expect(
                message.contains(arguments[0].hasPrefix("--") ? String(arguments[0].dropFirst(2)) : arguments[0])
                    || message.contains(arguments.last!), "\(message)")
        }
    }

    @Test("everything after -- is the command to run, flags included")
    func commandAfterTerminator() throws {
        let options = try ReadTraceCommand.parse(["--comm", "x", "--", "python3", "-m", "load", "--fast"]).options
        #expect(options.command == ["python3", "-m", "load", "--fast"])
        #expect(options.comms == ["x"])
    }

    @Test("the help explains the 15-character comm, the hooks and the examples")
    func help() {
        let help = ReadTraceCommand.helpMessage(columns: 200)
        #expect(help.contains("15 characters"))
        #expect(help.contains("auto|fentry|kprobe|tracepoint"))
        #expect(help.contains("sudo readtrace --comm trtserver"))
        #expect(help.contains("--json"))
    }
}
