import ReadTraceCore
import ReadTraceKernel

/// Everything the user asked for, as validated by the command.
struct TraceOptions {
    var comms: [String]
    var pids: [Int32]
    var cgroups: [String]
    var paths: [String]
    var allFiles: Bool
    var hook: KernelConfiguration.HookChoice
    var interval: TimeSpan
    var duration: TimeSpan?
    var sort: SortKey
    var devices: DeviceSelection
    var bufferSize: ByteCount
    var jsonPath: String?
    var traceEventsPath: String?
    var loadedShare: Double
    var quiet: Bool
    var verbose: Bool
    var command: [String]

    /// Files written when tracing ends; each is checked before tracing starts.
    var outputPaths: [String] { [jsonPath, traceEventsPath].compactMap { $0 } }

    var filters: RunMetadata.Filters {
        RunMetadata.Filters(comms: comms, pids: pids, cgroups: cgroups, paths: paths)
    }
}
