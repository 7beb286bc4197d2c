/// Tracing's filters applied to a saved dump (`readtrace report --comm … --pod … --path …`):
/// the reads of the processes and files they select, as tracing would have kept them.
/// Several values of one filter match any of them; different filters must all match;
/// `--cgroup`, `--pod` and `--container` are one filter.
public struct DumpSelection: Sendable {
    public var comms: [String] = []
    public var pids: [Int32] = []
    /// cgroup v2 paths inside the hierarchy: the process's cgroup or one above it.
    public var cgroups: [String] = []
    public var pods: [String] = []
    public var containers: [String] = []
    public var paths: [String] = []
    /// The reads whose first read began in this window (seconds on the dump's clock); nil for all.
    public var firstReadWithin: Range<Double>?

    public init(
        comms: [String] = [], pids: [Int32] = [], cgroups: [String] = [], pods: [String] = [], containers: [String] = [],
        paths: [String] = [], firstReadWithin: Range<Double>? = nil
    ) {
        self.comms = comms
        self.pids = pids
        self.cgroups = cgroups
        self.pods = pods
        self.containers = containers
        self.paths = paths
        self.firstReadWithin = firstReadWithin
    }

    public var selectsAll: Bool {
        [comms.isEmpty, pids.isEmpty, cgroups.isEmpty, pods.isEmpty, containers.isEmpty, paths.isEmpty, firstReadWithin == nil]
            .allSatisfy { $0 }
    }

    func selects(_ process: DumpDocument.Process) -> Bool {
        if !comms.isEmpty, !comms.contains(process.comm) { return false }
        if !pids.isEmpty, !pids.contains(process.pid) { return false }
        guard !(cgroups.isEmpty && pods.isEmpty && containers.isEmpty) else { return true }
        if let cgroup = process.cgroup, cgroups.contains(where: { cgroup == $0 || cgroup.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) {
            return true
        }
        return process.identity.matches(podPrefixes: pods, containerPrefixes: containers)
    }

    /// The dump with only the selected reads, and the processes and files they refer to.
    public func apply(to dump: DumpDocument) -> DumpDocument {
        guard !selectsAll else { return dump }
        let pathFilter = PathFilter(paths)
        let processes = Set(
            dump.processes.filter(selects).map { DumpDocument.ProcessKey(host: $0.host, pid: $0.pid) })
        let files = Dictionary(
            dump.files.filter { pathFilter.matches(Array($0.path.utf8), truncated: $0.pathTruncated == true) }.map { ($0.fileID, $0.host) },
            uniquingKeysWith: { first, _ in first })
        var selected = dump
        selected.reads = dump.reads.filter { read in
            guard let host = files[read.fileID], firstReadWithin?.contains(read.firstReadSeconds) ?? true else { return false }
            return processes.contains(DumpDocument.ProcessKey(host: host, pid: read.pid))
        }
        let readers = Set(selected.reads.map { DumpDocument.ProcessKey(host: files[$0.fileID] ?? nil, pid: $0.pid) })
        let readFiles = Set(selected.reads.map(\.fileID))
        selected.processes = dump.processes.filter { readers.contains(DumpDocument.ProcessKey(host: $0.host, pid: $0.pid)) }
        selected.files = dump.files.filter { readFiles.contains($0.fileID) }
        return selected
    }
}
