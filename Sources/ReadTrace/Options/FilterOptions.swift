import ArgumentParser
import Glibc
import ReadTraceCore
import ReadTraceKernel

/// What to trace: which processes and which files. Applied in the kernel.
struct FilterOptions: ParsableArguments {
    @Option(
        name: .customLong("comm"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Trace processes with this name (repeatable).",
            discussion:
                "Matches the kernel's process name (comm): at most 15 characters, as `ps -o comm` shows it; longer names are cut to 15.",
            valueName: "name"))
    var comms: [String] = []

    @Option(
        name: .customLong("pid"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Trace this process, all its threads (repeatable).", valueName: "pid"))
    var pids: [Int32] = []

    @Option(
        name: .customLong("cgroup"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Trace processes in this cgroup v2 or below it (repeatable).",
            discussion: "A path inside the cgroup v2 hierarchy (/kubepods.slice) or below its mount point.",
            valueName: "path"))
    var cgroups: [String] = []

    @Option(
        name: .customLong("pod"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Trace the processes of the Kubernetes pod whose uid starts with this (repeatable).",
            discussion: "Matched against pod cgroups (kubepods-…-pod<uid>.slice or pod<uid>), including pods that start after readtrace.",
            valueName: "uid"))
    var pods: [String] = []

    @Option(
        name: .customLong("container"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Trace the processes of the container whose id starts with this (repeatable).",
            discussion:
                "Matched against container cgroups (cri-containerd-<id>.scope, crio-<id>.scope, docker-<id>.scope, or <id> below a pod), including containers that start after readtrace.",
            valueName: "id"))
    var containers: [String] = []

    @Option(
        name: .customLong("path"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Show and dump only files whose full path matches this glob (repeatable), e.g. '*.engine'.",
            discussion: "A directory that exists stands for every file below it.",
            valueName: "glob"))
    var paths: [String] = []

    @Flag(help: "Also count reads of pipes, sockets, ttys and other files that are not regular files.")
    var allFiles = false

    mutating func validate() throws {
        if comms.count > KernelConfiguration.maxComms {
            throw ValidationError("at most \(KernelConfiguration.maxComms) --comm filters are supported")
        }
        if let empty = comms.first(where: \.isEmpty) {
            throw ValidationError("--comm needs a name, got '\(empty)'")
        }
        comms = comms.map { String(decoding: $0.utf8.prefix(15), as: UTF8.self) }
        // A pod uid is hex digits in dashed groups (underscores under the systemd driver); a container id is hex digits.
        if let bad = pods.first(where: { $0.first?.isHexDigit != true || !$0.allSatisfy { $0.isHexDigit || $0 == "-" || $0 == "_" } }) {
            throw ValidationError("--pod takes a pod uid (or its start) in hex digits and dashes, got '\(bad)'")
        }
        if let bad = containers.first(where: { $0.isEmpty || !$0.allSatisfy(\.isHexDigit) }) {
            throw ValidationError("--container takes a container id (or its start) in hex digits, got '\(bad)'")
        }
        if let bad = pids.first(where: { $0 <= 0 }) {
            throw ValidationError("--pid must be a positive process id, got \(bad)")
        }
        if cgroups.contains(where: \.isEmpty) {
            throw ValidationError("--cgroup needs a path, got '' (the whole hierarchy is no filter: leave --cgroup out)")
        }
        for path in paths {
            if let problem = PathFilter.problem(in: path) { throw ValidationError("--path '\(path)': \(problem)") }
        }
        paths = paths.map(Self.glob(for:))
    }

    /// The glob for a `--path` value: files below it when it names a directory (as the kernel
    /// names them: absolute, symbolic links resolved), else the value itself.
    static func glob(for value: String) -> String {
        var info = stat()
        guard stat(value, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, let resolved = realpath(value, nil) else { return value }
        defer { free(resolved) }
        return PathFilter.pattern(below: String(cString: resolved))
    }

    func apply(to options: inout TraceOptions) {
        options.comms = comms
        options.pids = pids
        options.cgroups = cgroups
        options.pods = pods
        options.containers = containers
        options.paths = paths
        options.allFiles = allFiles
    }
}
