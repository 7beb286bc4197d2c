import ArgumentParser
import Glibc
import ReadTraceCore
import ReadTraceKernel

/// `readtrace demo`: a pod storm on a private loop device, traced with the normal machinery.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readtrace demo",
        abstract: "Stage a pod storm and trace it: N trtserver pods load their engine files at once.",
        usage: "readtrace demo [--pods <n>] [--size <size>] [--disk-mibps <n>] [<output>]",
        discussion: """
            Makes an ext4 filesystem on a loop device (reading its image with direct IO, so loads reach \
            the disk) and limits its reads to a bandwidth all pods share, as network storage would \
            (cgroup v2 io.max, or the cgroup v1 blkio throttle where v2 has no io controller; without \
            either it says so and runs unthrottled). Writes one engine file per pod and makes pod-shaped \
            cgroups. Then one pod loads its engine alone, the baseline, and then every pod loads at the \
            same moment, each reader named trtserver dropping its file's pages first. Shows the live \
            view, then the summary, the load timeline and the storm summary, which compares each load \
            of the storm with the load alone, and ends with readtrace diff of the load alone against the \
            storm (each pod's copy of the engine matched as one model). Removes everything it made on every exit, Ctrl-C \
            included. Needs root.
            """)

    @Option(parsing: .unconditional, help: ArgumentHelp("How many pods load at once (1-16).", valueName: "count"))
    var pods = 4

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Size of each pod's engine file (256M, 1G). (default: \(Self.defaultSize))", valueName: "size"),
        transform: ByteCount.argument)
    var size = Self.defaultSize
    /// At the default bandwidth, the load alone and the storm take about 10 s together: long
    /// enough to watch in the live view.
    static let defaultSize = ByteCount(bytes: 512 << 20)

    @Option(
        name: .customLong("disk-mibps"), parsing: .unconditional,
        help: ArgumentHelp("Read bandwidth of the demo's disk, shared by all pods, in MiB/s (1-100000).", valueName: "MiB/s"))
    var diskMiBPerSecond = 300

    @OptionGroup(title: "Outputs")
    var outputs: OutputOptions

    mutating func validate() throws {
        guard (1...16).contains(pods) else { throw ValidationError("--pods must be from 1 to 16, got \(pods)") }
        guard size.bytes >= 1 << 20, size.bytes <= 64 << 30 else { throw ValidationError("--size must be from 1M to 64G, got \(size)") }
        guard (1...100_000).contains(diskMiBPerSecond) else {
            throw ValidationError("--disk-mibps must be from 1 to 100000 (MiB/s), got \(diskMiBPerSecond)")
        }
    }

    func run() throws {
        guard geteuid() == 0 else { throw ReadTraceError("readtrace demo needs root (loop devices, mounts, cgroups): run it with sudo") }
        guard let workload = Self.workloadPath() else {
            throw ReadTraceError("readtrace demo needs readtrace-workload next to the readtrace binary (swift build builds both)")
        }
        guard let hierarchy = CgroupHierarchy.current() else { throw ReadTraceError("readtrace demo needs a mounted cgroup v2 hierarchy") }
        for output in outputs.requested { try AtomicFile.checkWritable(path: output.path) }
        // Ctrl-C while the stage is built tears it down instead of leaving it behind.
        let signals = try SignalPipe.shared()
        signals.watch(TraceSession.stopSignals)
        let limit = DemoDiskLimit.current(v2Hierarchy: hierarchy.mountPoint)
        let stage = DemoStage()
        defer { stage.tearDown() }
        try stage.build(
            pods: pods, fileBytes: size.bytes, cgroupRoot: hierarchy.mountPoint, limit: limit,
            bytesPerSecond: diskMiBPerSecond << 20
        ) {
            if !signals.take().isEmpty { throw ReadTraceError("interrupted while setting up; everything made is removed") }
        }
        StandardStreams.writeError(limit.announcement(mebibytesPerSecond: diskMiBPerSecond, device: stage.loopDevice ?? "the disk") + "\n")

        var options = TraceOptions()
        options.comms = ["trtserver"]
        options.interval = TimeSpan(seconds: 0.5)
        options.groupBy = .pod
        options.outputs = outputs.requested
        options.command = ["/bin/sh", "-c", stage.readersScript(workload: workload)]
        options.commandKeepsTerminal = false
        options.commandAsInvokingUser = false
        var session = TraceSession(options: options)
        let key = try FileKey(pattern: DemoStage.modelKey)
        session.epilogue = { dump in
            Self.soloAgainstStorm(dump, rule: options.loadRule, key: key, rows: options.rows)
        }
        let status = try session.run()
        if status != 0 { throw ReadTraceError("the demo's readers failed (status \(status))") }
    }

    /// `readtrace diff` of the load alone against the storm, as the last thing the demo shows.
    static func soloAgainstStorm(_ dump: DumpDocument, rule: LoadRule, key: FileKey, rows: RowPolicy) -> String {
        let width = (TerminalSize.ofStandardOutput() ?? .fallback).columns
        guard let diff = SoloStormDiff.diff(dump, rule: rule, key: key, threshold: 0.2) else {
            return "\nNo storm to compare with the load alone (one pod, or no load before the storm).\n"
        }
        let command = "readtrace diff SOLO STORM --key '\(DemoStage.modelKey)'"
        return "\n" + DiffReport(width: width, rowPolicy: rows).render(diff, baseline: "the load alone", new: "the storm")
            + TextFormat.wrap("(what \(command) says of two dumps, one of the load alone and one of the storm)", width: width, indent: 2)
            .joined(separator: "\n") + "\n"
    }

    /// readtrace-workload beside this executable.
    static func workloadPath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let executable = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let candidate = String(executable[..<(executable.lastIndex(of: "/") ?? executable.startIndex)]) + "/readtrace-workload"
        return access(candidate, X_OK) == 0 ? candidate : nil
    }
}
