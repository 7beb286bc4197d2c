/// Facts about a run that the live view, the summary and the dump all show.
public struct RunMetadata: Sendable, Equatable {
    public struct Host: Sendable, Equatable {
        public var hostname: String
        public var kernel: String
        public var bootID: String

        public init(hostname: String, kernel: String, bootID: String) {
            self.hostname = hostname
            self.kernel = kernel
            self.bootID = bootID
        }
    }

    /// The filters as the user gave them.
    public struct Filters: Sendable, Equatable {
        public var comms: [String] = []
        public var pids: [Int32] = []
        public var cgroups: [String] = []
        public var paths: [String] = []
        /// Pod uid and container id prefixes.
        public var pods: [String] = []
        public var containers: [String] = []

        public init(
            comms: [String] = [], pids: [Int32] = [], cgroups: [String] = [], paths: [String] = [],
            pods: [String] = [], containers: [String] = []
        ) {
            self.comms = comms
            self.pids = pids
            self.cgroups = cgroups
            self.paths = paths
            self.pods = pods
            self.containers = containers
        }
    }

    public var toolVersion: String
    public var host: Host
    public var hook: HookKind
    /// Wall-clock time at which tracing started, in seconds since the Unix epoch.
    public var startedAtUnixSeconds: Double
    public var durationSeconds: Double
    public var filters: Filters
    public var counters: KernelCounters
    /// The `--mark` markers (and presets'), in the order their spans number them.
    public var markers: [MarkSpec] = []

    public init(
        toolVersion: String, host: Host, hook: HookKind, startedAtUnixSeconds: Double,
        durationSeconds: Double, filters: Filters, counters: KernelCounters
    ) {
        self.toolVersion = toolVersion
        self.host = host
        self.hook = hook
        self.startedAtUnixSeconds = startedAtUnixSeconds
        self.durationSeconds = durationSeconds
        self.filters = filters
        self.counters = counters
    }
}
