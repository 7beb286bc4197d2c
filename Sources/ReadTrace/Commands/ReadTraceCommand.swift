import ArgumentParser
import Glibc
import ReadTraceCore
import ReadTraceKernel

/// `readtrace`: which process reads which file, how much and how fast.
public struct ReadTraceCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "readtrace",
        abstract: "Show which processes read which files, how many bytes and how fast, live.",
        usage: """
            readtrace [<options>] [-- <command> ...]
            readtrace report <dump> ... [--width <columns>]
            readtrace diff <baseline> <new> [--threshold <percent>] [--key <regex>]
            readtrace baseline update|check <store> <dump>
            readtrace demo [--pods <count>] [--size <size>] [<outputs>]
            readtrace agent [<filters>] [--listen <host:port>] [<agent options>]
            readtrace features
            readtrace help [report | diff | baseline | demo | agent | features]
            """,
        // Paragraphs are single lines (continued with \) so the help wraps them to the terminal.
        discussion: """
            Counts every read(2), pread64(2), readv(2), preadv(2) and preadv2(2) of a regular file with the bytes \
            actually returned and the time the call took, per process and file. Filters (--comm, --pid, --cgroup, \
            --pod, --container) are applied in the kernel; several values of one filter match any of them, different \
            filters must all match (--cgroup, --pod and --container are one filter: a process in any of those cgroups \
            matches). Processes that start later and match are traced too. Runs until --duration, Ctrl-C or SIGTERM, \
            then prints a summary.

            Examples:
              sudo readtrace --comm trtserver
              sudo readtrace --cgroup /kubepods.slice --path '*.engine' --json load.json
              sudo readtrace --duration 30s --sort total
              sudo readtrace --json run.json -- python3 load_model.py
              readtrace report run.json     (a saved dump again, offline)
              readtrace report node-a.json node-b.json --group-by pod   (several nodes' dumps, merged)
              readtrace diff yesterday.json today.json --threshold 20%   (exit 1 when a load regressed)
              sudo readtrace demo           (a staged pod storm, traced)
              readtrace features            (what this kernel has of what readtrace uses)

            Exit status: that of the command after --; 127 when it is not found and 126 when it cannot be run; 64 \
            for a bad option; 1 when tracing fails. report, diff and baseline exit 2 when a dump (or the store) cannot be \
            used, and diff and baseline check 1 when they find a regression.
            """,
        version: ReadTraceVersion.current
    )

    @OptionGroup(title: "Filters")
    var filters: FilterOptions

    @OptionGroup(title: "View")
    var view: ViewOptions

    @OptionGroup(title: "Outputs")
    var outputs: OutputOptions

    @OptionGroup(title: "Load phases")
    var marks: MarkOptions

    @OptionGroup(title: "Kernel")
    var kernel: KernelOptions

    @Argument(
        parsing: .postTerminator,
        help: ArgumentHelp(
            "Run this command and trace it and its descendants; readtrace exits with its status. The command keeps the terminal: no live view, the summary at the end.",
            valueName: "command"))
    var command: [String] = []

    public init() {}

    public func run() throws {
        let session = TraceSession(options: options)
        let status = try session.run()
        if status != 0 { throw ExitCode(status) }
    }

    var options: TraceOptions {
        var options = TraceOptions()
        filters.apply(to: &options)
        view.apply(to: &options)
        kernel.apply(to: &options)
        marks.apply(to: &options)
        options.outputs = outputs.requested
        options.command = command
        return options
    }

    /// The subcommands, by hand: `readtrace -- COMMAND` must stay the root command's.
    static let subcommands: [(name: String, command: ParsableCommand.Type)] = [
        ("report", ReportCommand.self), ("diff", DiffCommand.self), ("baseline", BaselineCommand.self), ("demo", DemoCommand.self),
        ("agent", AgentCommand.self),
        ("features", FeaturesCommand.self),
    ]

    /// Like ParsableCommand.main, but every failure is a line per problem on standard error.
    /// A subcommand's name or `help` as the first argument runs that subcommand.
    public static func main(_ arguments: [String]? = nil) -> Never {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        let subcommand = subcommands.first { $0.name == arguments.first }
        let hint = " (see 'readtrace help\(subcommand.map { " " + $0.name } ?? "")')"
        do {
            if arguments.first == "help" {
                StandardStreams.writeOutput(try helpText(for: Array(arguments.dropFirst())))
                Glibc.exit(0)
            }
            if let subcommand {
                var command = try subcommand.command.parseAsRoot(Array(arguments.dropFirst()))
                try command.run()
                Glibc.exit(0)
            }
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(0)
        } catch let error as ReadTraceError {
            fail(error.lines, code: error.exitCode.rawValue)
        } catch let error as KernelError {
            fail([KernelWording.sentence(for: error)], code: 1)
        } catch let refusal as HookRefusal {
            fail([KernelWording.unavailable(refusal)], code: 1)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            fail([errorLine(for: error)], hint: hint, code: code.rawValue)
        }
    }

    /// `readtrace help [SUBCOMMAND]`.
    static func helpText(for arguments: [String]) throws -> String {
        guard let name = arguments.first else { return helpMessage() + "\n" }
        guard arguments.count == 1, let subcommand = subcommands.first(where: { $0.name == name }) else {
            throw ValidationError(
                "help: no subcommand '\(arguments.joined(separator: " "))'; "
                    + "there are \(subcommands.map(\.name).joined(separator: ", "))")
        }
        return subcommand.command.helpMessage() + "\n"
    }

    /// The parser's message on one line: a list of valid values it puts on lines of its own
    /// ("Please provide one of the following:\n  - bytes\n  - total") joins the first.
    static func errorLine(for error: any Error) -> String {
        let lines = message(for: error).split(separator: "\n").map { $0.trimmingPrefix(while: \.isWhitespace) }
        guard let first = lines.first else { return "invalid arguments" }
        let listed = lines.dropFirst().map { String($0.hasPrefix("- ") ? $0.dropFirst(2) : $0) }
        return listed.isEmpty ? String(first) : first + " " + listed.joined(separator: ", ")
    }

    /// Writes each line as "readtrace: …", escaped: lines quote paths, names and values that a
    /// terminal must not act on, and a newline in one must not start a line of its own.
    private static func fail(_ lines: [String], hint: String = "", code: Int32) -> Never {
        var lines = lines.isEmpty ? ["failed"] : lines
        if lines[0].hasPrefix("Error: ") { lines[0].removeFirst("Error: ".count) }
        lines[lines.count - 1] += hint
        StandardStreams.writeError(lines.map { "readtrace: \(TerminalText.escaped($0))\n" }.joined())
        Glibc.exit(code)
    }
}
