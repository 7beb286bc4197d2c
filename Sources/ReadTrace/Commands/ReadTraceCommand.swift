import ArgumentParser
import Glibc
import ReadTraceCore
import ReadTraceKernel

/// `readtrace`: which process reads which file, how much and how fast.
public struct ReadTraceCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "readtrace",
        abstract: "Show which processes read which files, how many bytes and how fast, live.",
        discussion: """
            Counts every read(2), pread64(2), readv(2), preadv(2) and preadv2(2) of a regular file
            with the bytes actually returned and the time the call took, per process and file.
            Filters (--comm, --pid, --cgroup, --pod, --container) are applied in the kernel; several
            values of one filter match any of them, different filters must all match (--cgroup, --pod
            and --container are one filter: a process in any of those cgroups matches). Processes that start later and
            match are traced too. Runs until --duration, Ctrl-C or SIGTERM, then prints a summary.

            Examples:
              sudo readtrace --comm trtserver
              sudo readtrace --cgroup /kubepods.slice --path '*.engine' --json load.json
              sudo readtrace --duration 30s --sort total
              sudo readtrace --json run.json -- python3 load_model.py
              readtrace report run.json     (a saved dump again: loads, timeline, storm summary)
              sudo readtrace demo           (a staged pod storm on a loop device, traced)
              readtrace features            (what this kernel has of what readtrace uses)
            """,
        version: ReadTraceVersion.current
    )

    @OptionGroup(title: "Filters")
    var filters: FilterOptions

    @OptionGroup(title: "View")
    var view: ViewOptions

    @OptionGroup(title: "Outputs")
    var outputs: OutputOptions

    @OptionGroup(title: "Kernel")
    var kernel: KernelOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
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
        options.outputs = outputs.requested
        options.command = command
        return options
    }

    /// Like ParsableCommand.main, but every failure is one line on standard error. `report`,
    /// `demo` or `features` as the first argument runs that subcommand.
    public static func main(_ arguments: [String]? = nil) -> Never {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        do {
            // Subcommands by hand: `readtrace -- COMMAND` must stay the root command's.
            let subcommands: [String: ParsableCommand.Type] = ["report": ReportCommand.self, "demo": DemoCommand.self,
                                                               "features": FeaturesCommand.self]
            if let name = arguments.first, let subcommand = subcommands[name] {
                var command = try subcommand.parseAsRoot(Array(arguments.dropFirst()))
                try command.run()
                Glibc.exit(0)
            }
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(0)
        } catch let error as ReadTraceError {
            fail(error.description, code: 1)
        } catch let error as KernelError {
            fail(KernelWording.sentence(for: error), code: 1)
        } catch let refusal as HookRefusal {
            fail(KernelWording.unavailable(refusal), code: 1)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            fail(message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments",
                 hint: " (see 'readtrace --help')", code: code.rawValue)
        }
    }

    private static func fail(_ message: String, hint: String = "", code: Int32) -> Never {
        var line = message
        if line.hasPrefix("Error: ") { line.removeFirst("Error: ".count) }
        StandardStreams.writeError("readtrace: \(line)\(hint)\n")
        Glibc.exit(code)
    }
}
