import ArgumentParser
import Glibc
import ReadTraceCore

/// `readtrace agent`: where it listens, what it retains, when it writes dumps by itself.
struct AgentOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Serve /metrics, /healthz and /dump on this address (host:port). (default: \(AgentSettings().listen))",
            discussion: "Loopback unless another address is given; port 0 takes a free port (the log says which).",
            valueName: "host:port"))
    var listen = AgentSettings().listen

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Keep this much history for /dump and the dumps the agent writes (10m, 1h). (default: \(AgentSettings().retain))",
            valueName: "time"), transform: TimeSpan.argument)
    var retain = AgentSettings().retain

    @Option(
        name: .customLong("retain-memory"), parsing: .unconditional,
        help: ArgumentHelp(
            "At most this much memory for retained events (16M, 1G); the oldest go first, counted. (default: \(AgentSettings().retainMemory))",
            valueName: "size"), transform: ByteCount.argument)
    var retainMemory = AgentSettings().retainMemory

    @Option(
        name: .customLong("dump-dir"), parsing: .unconditional,
        help: ArgumentHelp("Write the dumps of SIGUSR1 and of the triggers into this directory.", valueName: "dir"))
    var dumpDirectory: String?

    @Option(
        name: .customLong("dump-when-load-slower-than"), parsing: .unconditional,
        help: ArgumentHelp(
            "Write a dump when a load finishes slower than this (100MiB/s); needs --dump-dir.", valueName: "rate"),
        transform: ByteRate.argument)
    var slowerThan: ByteRate?

    @Option(
        name: .customLong("dump-when-load-longer-than"), parsing: .unconditional,
        help: ArgumentHelp("Write a dump when a load takes longer than this (30s); needs --dump-dir.", valueName: "time"),
        transform: TimeSpan.argument)
    var longerThan: TimeSpan?

    @Option(
        name: .customLong("max-series"), parsing: .unconditional,
        help: ArgumentHelp(
            "At most this many label sets; more are folded into one labelled \"other\", counted. (default: \(AgentSettings().maxSeries))",
            valueName: "count"))
    var maxSeries = AgentSettings().maxSeries

    @Option(
        name: .customLong("pods-log-dir"), parsing: .unconditional,
        help: ArgumentHelp("Where the kubelet's pod log directories are (namespace_pod_uid).", visibility: .hidden))
    var podsLogDirectory = AgentSettings().podsLogDirectory

    @Option(
        name: .customLong("host-proc"), parsing: .unconditional,
        help: ArgumentHelp(
            "The host's /proc, mounted here when the agent has a pid namespace of its own (a pod without hostPID). (default: \(AgentSettings().hostProc))",
            discussion: "The kernel reports pids of the host's namespace; their names and command lines are read here.",
            valueName: "dir"))
    var hostProc = AgentSettings().hostProc

    @Option(
        name: .customLong("forget-after"), parsing: .unconditional,
        help: ArgumentHelp("Remove the series of processes gone this long.", visibility: .hidden), transform: TimeSpan.argument)
    var forgetAfter = AgentSettings().forgetAfter

    mutating func validate() throws {
        guard AgentSettings.address(listen) != nil else {
            throw ValidationError("--listen takes host:port (127.0.0.1:9435, [::1]:9435), got '\(listen)'")
        }
        if retain.nanoseconds < 1_000_000_000 { throw ValidationError("--retain must be at least 1s, got \(retain)") }
        if retainMemory.bytes < 1 << 20 { throw ValidationError("--retain-memory must be at least 1M, got \(retainMemory)") }
        if maxSeries < 1 { throw ValidationError("--max-series must be at least 1, got \(maxSeries)") }
        if let longerThan, longerThan.nanoseconds == 0 {
            throw ValidationError("--dump-when-load-longer-than must be longer than 0, got \(longerThan)")
        }
        if (slowerThan != nil || longerThan != nil) && dumpDirectory == nil {
            throw ValidationError("--dump-when-load-slower-than and --dump-when-load-longer-than need --dump-dir")
        }
        guard access(hostProc + "/self/stat", R_OK) == 0 else { throw ValidationError("--host-proc \(hostProc): not a proc file system") }
        if let dumpDirectory {
            var info = stat()
            guard stat(dumpDirectory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw ValidationError("--dump-dir \(dumpDirectory): no such directory")
            }
            guard access(dumpDirectory, W_OK) == 0 else { throw ValidationError("--dump-dir \(dumpDirectory): not writable") }
        }
    }

    var settings: AgentSettings {
        AgentSettings(
            listen: listen, retain: retain, retainMemory: retainMemory, dumpDirectory: dumpDirectory, slowerThan: slowerThan,
            longerThan: longerThan, maxSeries: maxSeries, podsLogDirectory: podsLogDirectory, hostProc: hostProc,
            forgetAfter: forgetAfter)
    }
}
