import ReadTraceCore
import ReadTraceKernel

/// Everything the user asked for, as validated by the command.
struct TraceOptions {
    var comms: [String]
    var pids: [Int32]
    var cgroups: [String]
    var pods: [String]
    var containers: [String]
    var paths: [String]
    var allFiles: Bool
    var hook: KernelConfiguration.HookChoice
    var interval: TimeSpan
    var duration: TimeSpan?
    var sort: SortKey
    var groupBy: GroupBy
    var devices: DeviceSelection
    var bufferSize: ByteCount
    var jsonPath: String?
    var htmlPath: String?
    var traceEventsPath: String?
    var loadedShare: Double
    var quiet: Bool
    var verbose: Bool
    var command: [String]
    /// A command run with -- usually has the terminal to itself (no live view, only the summary).
    var commandKeepsTerminal = true
    /// Under sudo, the command runs as the user who asked for it.
    var commandAsInvokingUser = true
    var emptyReadHooks = false
    var recordStreamPath: String? = nil

    /// Files written when tracing ends; each is checked before tracing starts.
    var outputPaths: [String] { [jsonPath, htmlPath, traceEventsPath].compactMap { $0 } }

    /// Whether a cgroup belongs to a pod or container the user asked for.
    func selects(cgroupPath: String) -> Bool {
        ContainerIdentity(cgroupPath: cgroupPath).matches(podPrefixes: pods, containerPrefixes: containers)
    }

    var filters: RunMetadata.Filters {
        RunMetadata.Filters(comms: comms, pids: pids, cgroups: cgroups, paths: paths, pods: pods, containers: containers)
    }
}
