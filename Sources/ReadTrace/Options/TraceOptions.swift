import ReadTraceCore
import ReadTraceKernel

/// Everything a tracing run needs, with the defaults the command line starts from. The option
/// groups fill it in; `demo` (and any later subcommand) sets what it needs on a default value.
struct TraceOptions {
    var comms: [String] = []
    var pids: [Int32] = []
    var cgroups: [String] = []
    var pods: [String] = []
    var containers: [String] = []
    var paths: [String] = []
    var allFiles = false
    var hook: KernelConfiguration.HookChoice = .auto
    var interval = TimeSpan(seconds: 1)
    var duration: TimeSpan?
    var sort: SortKey = .bytes
    var groupBy: GroupBy = .process
    var devices: DeviceSelection = .auto
    var rows = RowPolicy()
    /// Which files count as loads in the timeline and the storm summary.
    var loadRule = LoadRule()
    var bufferSize = ByteCount(bytes: 4 << 20)
    var outputs: [any RunOutput] = []
    /// The share of a file's size a process must read to have loaded it.
    var loadedShare = 1.0
    var quiet = false
    var verbose = false
    var command: [String] = []
    /// A command run with -- usually has the terminal to itself (no live view, only the summary).
    var commandKeepsTerminal = true
    /// Under sudo, the command runs as the user who asked for it.
    var commandAsInvokingUser = true
    var emptyReadHooks = false
    var recordStreamPath: String?
    /// Load-phase markers (`--mark`) and presets of them.
    var marks: [MarkSpec] = []
    var presets: [MarkPreset] = []

    /// Whether a cgroup belongs to a pod or container the user asked for.
    func selects(cgroupPath: String) -> Bool {
        ContainerIdentity(cgroupPath: cgroupPath).matches(podPrefixes: pods, containerPrefixes: containers)
    }

    var filters: RunMetadata.Filters {
        RunMetadata.Filters(comms: comms, pids: pids, cgroups: cgroups, paths: paths, pods: pods, containers: containers)
    }
}
