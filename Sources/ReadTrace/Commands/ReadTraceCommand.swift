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
            """,
        version: ReadTraceVersion.current
    )

    @Option(name: .customLong("comm"), help: ArgumentHelp(
        "Trace processes with this name (repeatable).",
        discussion: "Matches the kernel's process name (comm): at most 15 characters, as `ps -o comm` shows it; longer names are cut to 15.",
        valueName: "name"))
    var comms: [String] = []

    @Option(name: .customLong("pid"), help: ArgumentHelp("Trace this process, all its threads (repeatable).", valueName: "pid"))
    var pids: [Int32] = []

    @Option(name: .customLong("cgroup"), help: ArgumentHelp(
        "Trace processes in this cgroup v2 or below it (repeatable).",
        discussion: "A path inside the cgroup v2 hierarchy (/kubepods.slice) or below its mount point.",
        valueName: "path"))
    var cgroups: [String] = []

    @Option(name: .customLong("pod"), help: ArgumentHelp(
        "Trace the processes of the Kubernetes pod whose uid starts with this (repeatable).",
        discussion: "Matched against pod cgroups (kubepods-…-pod<uid>.slice or pod<uid>), including pods that start after readtrace.",
        valueName: "uid"))
    var pods: [String] = []

    @Option(name: .customLong("container"), help: ArgumentHelp(
        "Trace the processes of the container whose id starts with this (repeatable).",
        discussion: "Matched against container cgroups (cri-containerd-<id>.scope, crio-<id>.scope, docker-<id>.scope, or <id> below a pod), including containers that start after readtrace.",
        valueName: "id"))
    var containers: [String] = []

    @Option(name: .customLong("path"), help: ArgumentHelp(
        "Show and dump only files whose full path matches this glob (repeatable), e.g. '*.engine'.",
        valueName: "glob"))
    var paths: [String] = []

    @Flag(help: "Also count reads of pipes, sockets, ttys and other files that are not regular files.")
    var allFiles = false

    @Option(help: ArgumentHelp(
        "Kernel hooks: fentry (fastest) or kprobe on the VFS read functions, tracepoint (syscall tracepoints), "
            + "or auto (the fastest of those that loads, and why). light (6.10+) uses the page cache's tracepoint "
            + "instead of any syscall tracepoint, whose cost every process on the node pays: buffered reads in whole "
            + "pages, no per-call latency, direct IO not seen.",
        valueName: "auto|fentry|kprobe|tracepoint|light"))
    var hook: KernelConfiguration.HookChoice = .auto

    @Option(help: ArgumentHelp("Refresh the live view every interval (10s, 500ms, 2m; a bare number is seconds).", valueName: "time"))
    var interval = TimeSpan(seconds: 1)

    @Option(help: ArgumentHelp("Stop after this long (10s, 500ms, 2m; a bare number is seconds).", valueName: "time"))
    var duration: TimeSpan?

    @Option(help: ArgumentHelp("Order rows by \(SortKey.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "key"))
    var sort: SortKey = .bytes

    @Option(name: .customLong("group-by"), help: ArgumentHelp(
        "Rows of the live view and the summary stand for a process, or for all processes of a container or a pod.",
        valueName: "process|container|pod"))
    var groupBy: GroupBy = .process

    @Option(help: ArgumentHelp("Write a JSON dump of the whole run to this file when tracing ends.", valueName: "path"))
    var json: String?

    @Option(help: ArgumentHelp(
        "Write a self-contained HTML report (timeline, device tracks, tables) to this file when tracing ends.",
        valueName: "path"))
    var html: String?

    @Option(name: .customLong("trace-events"), help: ArgumentHelp(
        "Write the run as Chrome trace-event JSON to this file (opens in Perfetto UI and chrome://tracing).",
        valueName: "path"))
    var traceEvents: String?

    @Option(name: .customLong("loaded-at"), help: ArgumentHelp(
        "A process has loaded a file once it has read this percentage of the file's size (1-100).",
        discussion: "Sets load_s in the dump and the end of each load in the timeline.", valueName: "percent"))
    var loadedAtPercent: Double = 100

    @Option(help: ArgumentHelp(
        "Devices shown (from /proc/diskstats, as iostat -x computes them): auto (those holding the traced files), all (those with IO), or a comma-separated list of names.",
        valueName: "auto|all|names"))
    var devices = DeviceSelection.auto

    @Option(name: .customLong("buffer-size"), help: ArgumentHelp(
        "Size of the kernel's ring buffer: a power of two from 4K to 1G.",
        discussion: "Records that find it full are counted as lost and reported.", valueName: "size"))
    var bufferSize = ByteCount(bytes: 4 << 20)

    @Flag(help: "Print nothing on standard output while tracing, nor the summary.")
    var quiet = false

    @Flag(help: "Show libbpf's log (load and attach details).")
    var verbose = false

    @Flag(name: .customLong("empty-read-hooks"), help: ArgumentHelp(
        "For benchmarks: attach the read hooks with programs that return at once, to measure what attaching alone costs.",
        visibility: .hidden))
    var emptyReadHooks = false

    @Option(name: .customLong("record-stream"), help: ArgumentHelp(
        "For tests and bug reports: write every ring-buffer record as the kernel sent it to this file.",
        visibility: .hidden))
    var recordStream: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
        "Run this command and trace it and its descendants; readtrace exits with its status. The command keeps the terminal: no live view, the summary at the end.",
        valueName: "command"))
    var command: [String] = []

    public init() {}

    public mutating func validate() throws {
        if comms.count > KernelConfiguration.maxComms {
            throw ValidationError("at most \(KernelConfiguration.maxComms) --comm filters are supported")
        }
        if let empty = comms.first(where: \.isEmpty) {
            throw ValidationError("--comm needs a name, got '\(empty)'")
        }
        comms = comms.map { String(decoding: $0.utf8.prefix(15), as: UTF8.self) }
        if let bad = (pods + containers).first(where: { $0.isEmpty || !$0.allSatisfy { $0.isHexDigit || $0 == "-" || $0 == "_" } }) {
            throw ValidationError("--pod and --container take a uid or id (or its start) in hex digits, got '\(bad)'")
        }
        if let bad = pids.first(where: { $0 <= 0 }) {
            throw ValidationError("--pid must be a positive process id, got \(bad)")
        }
        if interval.nanoseconds < 10_000_000 {
            throw ValidationError("--interval must be at least 10ms")
        }
        let size = bufferSize.bytes
        if size < 4096 || size > 1 << 30 || size & (size - 1) != 0 {
            throw ValidationError("--buffer-size must be a power of two from 4K to 1G, got \(bufferSize)")
        }
        if !(loadedAtPercent > 0 && loadedAtPercent <= 100) {
            throw ValidationError("--loaded-at must be a percentage above 0 and at most 100, got \(loadedAtPercent)")
        }
        if let duration, duration.nanoseconds == 0 {
            throw ValidationError("--duration must be longer than 0")
        }
    }

    public func run() throws {
        let session = TraceSession(options: options)
        let status = try session.run()
        if status != 0 { throw ExitCode(status) }
    }

    var options: TraceOptions {
        TraceOptions(comms: comms, pids: pids, cgroups: cgroups, pods: pods, containers: containers, paths: paths, allFiles: allFiles,
                     hook: hook, interval: interval, duration: duration, sort: sort, groupBy: groupBy, devices: devices, bufferSize: bufferSize, jsonPath: json,
                     htmlPath: html, traceEventsPath: traceEvents, loadedShare: loadedAtPercent / 100, quiet: quiet, verbose: verbose, command: command, emptyReadHooks: emptyReadHooks,
                     recordStreamPath: recordStream)
    }

    /// Like ParsableCommand.main, but every failure is one line on standard error. `report`
    /// or `demo` as the first argument runs that subcommand.
    public static func main(_ arguments: [String]? = nil) -> Never {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        do {
            // Subcommands by hand: `readtrace -- COMMAND` must stay the root command's.
            let subcommands: [String: ParsableCommand.Type] = ["report": ReportCommand.self, "demo": DemoCommand.self]
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
            fail(error.description, code: 1)
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
