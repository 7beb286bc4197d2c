import ArgumentParser
import Glibc
import ReadTraceCore
import ReadTraceKernel
import Testing

@testable import ReadTrace

/// Every bad value gets one line that names the flag and the value (and, for a fixed set,
/// every valid value), the way `readtrace` prints it.
@Suite("Option errors")
struct OptionErrorTests {
    /// The line readtrace prints for `arguments`, or nil when they parse.
    static func errorLine(_ arguments: [String]) -> String? {
        do {
            _ = try ReadTraceCommand.parseAsRoot(arguments)
            return nil
        } catch {
            return ReadTraceCommand.errorLine(for: error)
        }
    }

    @Test(
        "each enumerated option lists every valid value in its error, on one line",
        arguments: [
            ("--sort", SortKey.allCases.map(\.rawValue)),
            ("--group-by", GroupBy.allCases.map(\.rawValue)),
            ("--hook", KernelConfiguration.HookChoice.allCases.map(\.rawValue)),
            ("--devices", ["auto", "all", "names"]),
        ])
    func enumeratedOptions(flag: String, values: [String]) throws {
        for bad in ["foo", "", "-1"] {
            let line = try #require(Self.errorLine([flag, bad]), "\(flag) \(bad) was accepted")
            #expect(!line.contains("\n"))
            #expect(line.contains(flag) && line.contains("'\(bad)'"), "\(line)")
            for value in values { #expect(line.contains(value), "\(flag): \(value) missing from: \(line)") }
        }
    }

    @Test(
        "negative and empty values name the flag and the value, never 'Missing value'",
        arguments: [
            (["--interval", "-1"], "-1"), (["--interval", ""], "''"), (["--duration", "-1"], "-1"), (["--duration", "-5s"], "-5s"),
            (["--pid", "-5"], "-5"), (["--pid", ""], "''"), (["--loaded-at", "-1"], "-1"), (["--loaded-at", "0"], "0"),
            (["--top", "-3"], "-3"), (["--min-bytes", "-1"], "-1"), (["--min-load-size", "-1M"], "-1M"), (["--hide-idle", "-2s"], "-2s"),
            (["--buffer-size", "-4K"], "-4K"), (["--comm", ""], "''"), (["--cgroup", ""], "''"), (["--path", ""], "''"),
            (["--pod", ""], "''"), (["--container", "-1"], "-1"), (["--interval", "1ms"], "1ms"),
            (["--json", ""], "''"), (["--html", ""], "''"), (["--trace-events", ""], "''"), (["--record-stream", ""], "''"),
        ])
    func negativeAndEmpty(arguments: [String], shownValue: String) throws {
        let line = try #require(Self.errorLine(arguments), "\(arguments) was accepted")
        #expect(line.contains(arguments[0]) && line.contains(shownValue), "\(line)")
        #expect(!line.contains("Missing value"), "\(line)")
    }

    @Test(
        "a refused time or size says why",
        arguments: [
            (["--interval", "-1"], "The value '-1' is invalid for '--interval <time>': a time cannot be negative"),
            (["--duration", "soon"], "The value 'soon' is invalid for '--duration <time>': a time is a number with an optional unit"),
            (["--min-bytes", "-1"], "The value '-1' is invalid for '--min-bytes <size>': a size cannot be negative"),
            (
                ["--buffer-size", "3x"],
                "The value '3x' is invalid for '--buffer-size <size>': a size is a whole number with an optional unit"
            ),
        ])
    func reasons(arguments: [String], message: String) throws {
        let line = try #require(Self.errorLine(arguments))
        #expect(line.hasPrefix(message), "\(line)")
    }

    @Test("a malformed glob is refused, naming it")
    func malformedGlob() throws {
        let line = try #require(Self.errorLine(["--path", "/models/[ab"]))
        #expect(line == "--path '/models/[ab': the glob has a '[' that is never closed")
    }

    @Test("--devices takes the devices /proc/diskstats has, and names the one it does not")
    func devices() throws {
        let existing = try #require(DiskStats.read().entries.first?.name, "this machine has a block device")
        #expect(Self.errorLine(["--devices", existing]) == nil)
        let line = try #require(Self.errorLine(["--devices", "\(existing),nosuch0"]))
        #expect(
            line.hasPrefix("--devices 'nosuch0': /proc/diskstats has no such device; give auto, all, or names from: ")
                && line.contains(existing), "\(line)")
    }

    @Test("--path with a directory matches the files below it")
    func directoryPath() throws {
        var template = Array("/tmp/readtrace-dir-XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { rmdir(directory) }
        let options = try ReadTraceCommand.parse(["--path", directory, "--path", "*.engine"]).options
        #expect(options.paths == [directory + "/*", "*.engine"])
        let filter = PathFilter(options.paths)
        #expect(filter.matches(Array((directory + "/sub/model.bin").utf8)))
        #expect(!filter.matches(Array((directory + "-other/model.bin").utf8)))
    }

    @Test("readtrace help [subcommand] prints the help; the usage lists the subcommands; an unknown subcommand is named")
    func help() throws {
        let root = try ReadTraceCommand.helpText(for: [])
        for line in [
            "readtrace report <dump>", "readtrace demo", "readtrace agent", "readtrace features",
            "readtrace help [report | diff | baseline | demo | agent | features]",
            "readtrace diff <baseline> <new>", "readtrace baseline update|check",
        ] {
            #expect(root.contains(line), "usage lacks \(line)")
        }
        #expect(try ReadTraceCommand.helpText(for: ["report"]).contains("USAGE: readtrace report <dump>"))
        #expect(try ReadTraceCommand.helpText(for: ["demo"]).contains("--pods"))
        #expect(try ReadTraceCommand.helpText(for: ["features"]).contains("readtrace features"))
        #expect(try ReadTraceCommand.helpText(for: ["agent"]).contains("--dump-when-load-slower-than"))
        #expect(throws: ValidationError.self) { try ReadTraceCommand.helpText(for: ["nosuch"]) }
    }

    @Test("the help's paragraphs wrap to the width as whole paragraphs, not at the source's line breaks")
    func helpWraps() {
        let wide = ReadTraceCommand.helpMessage(columns: 200)
        #expect(
            wide.contains("with the bytes actually returned and the time the call took, per process and file. Filters"),
            "a paragraph is one line at 200 columns")
        let narrow = [
            ReadTraceCommand.helpMessage(columns: 80), DemoCommand.helpMessage(columns: 80), ReportCommand.helpMessage(columns: 80),
            FeaturesCommand.helpMessage(columns: 80), DiffCommand.helpMessage(columns: 80), BaselineCommand.helpMessage(columns: 80),
            BaselineCommand.Check.helpMessage(columns: 80), AgentCommand.helpMessage(columns: 80),
        ]
        for command in narrow {
            let long = command.split(separator: "\n").filter { $0.count > 80 }
            #expect(long.isEmpty, "\(long)")
        }
        #expect(FeaturesCommand.helpMessage(columns: 200).contains("so the answer does not depend on privileges"))
        let demo = DemoCommand.helpMessage(columns: 200)
        #expect(demo.contains("(reading its image with direct IO, so loads reach the disk) and limits its reads to a bandwidth"))
    }

    @Test("report --width is bounded", arguments: ["59", "1001", "-80"])
    func reportWidth(width: String) {
        #expect(throws: (any Error).self) { try ReportCommand.parseAsRoot(["dump.json", "--width", width]) }
    }
}
