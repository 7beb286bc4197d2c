import ArgumentParser
import Glibc
import ReadTraceCore
import ReadTraceKernel

/// `readtrace demo`: a pod storm on a private loop device, traced with the normal machinery.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readtrace demo",
        abstract: "Stage a pod storm and trace it: N trtserver pods load their engine files at once.",
        usage: "readtrace demo [--pods <count>] [--size <size>] [<outputs>]",
        discussion: """
            Makes an ext4 filesystem on a loop device (reading its image with direct IO, so loads reach \
            the disk), writes one engine file per pod, makes pod-shaped cgroups, drops the files' pages \
            and starts one reader named trtserver per pod at the same moment. Shows the live view, then \
            the summary, the load timeline and the storm summary. Removes everything it made on every \
            exit, Ctrl-C included. Needs root.
            """)

    @Option(parsing: .unconditional, help: ArgumentHelp("How many pods load at once (1-16).", valueName: "count"))
    var pods = 4

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Size of each pod's engine file (256M, 1G). (default: \(Self.defaultSize))", valueName: "size"),
        transform: ByteCount.argument)
    var size = Self.defaultSize
    static let defaultSize = ByteCount(bytes: 256 << 20)

    @OptionGroup(title: "Outputs")
    var outputs: OutputOptions

    mutating func validate() throws {
        guard (1...16).contains(pods) else { throw ValidationError("--pods must be from 1 to 16, got \(pods)") }
        guard size.bytes >= 1 << 20, size.bytes <= 64 << 30 else { throw ValidationError("--size must be from 1M to 64G, got \(size)") }
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
        let stage = DemoStage()
        defer { stage.tearDown() }
        try stage.build(pods: pods, fileBytes: size.bytes, cgroupRoot: hierarchy.mountPoint) {
            if !signals.take().isEmpty { throw ReadTraceError("interrupted while setting up; everything made is removed") }
        }

        var options = TraceOptions()
        options.comms = ["trtserver"]
        options.interval = TimeSpan(seconds: 0.5)
        options.groupBy = .pod
        options.outputs = outputs.requested
        options.command = ["/bin/sh", "-c", stage.readersScript(workload: workload)]
        options.commandKeepsTerminal = false
        options.commandAsInvokingUser = false
        let status = try TraceSession(options: options).run()
        if status != 0 { throw ReadTraceError("the demo's readers failed (status \(status))") }
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
