// Names as the terminal tables show them, escaped: any process can choose them.
extension TraceAggregate {
    func comm(of pid: Int32) -> String { TerminalText.escaped(processes[pid]?.record.comm ?? "?") }

    /// The uid of the pod the process runs in, shortened for a column; nil outside a pod.
    func podLabel(of pid: Int32) -> String? {
        processes[pid]?.cgroupPath.flatMap { ContainerIdentity(cgroupPath: $0).shortPodUID }
    }

    /// "pod 0b9f3c2e-6d1a-…" or "ctr 4f5d9c1e2b3a"; a process outside any pod or container
    /// stands for itself.
    func groupLabel(of pid: Int32, by grouping: GroupBy) -> String {
        let identity = processes[pid]?.cgroupPath.map(ContainerIdentity.init(cgroupPath:))
        switch grouping {
        case .pod: if let pod = identity?.podLabel() { return pod }
        case .container: if let container = identity?.containerLabel() { return container }
        case .process: break
        }
        return "\(comm(of: pid)) \(pid)"
    }

    func tablePath(of file: FileID) -> String {
        TerminalText.escaped((files[file] ?? .unnamed(file)).tablePath)
    }

    func isShown(_ file: FileID, by filter: PathFilter) -> Bool {
        let record = files[file]
        return filter.matches(record?.path ?? [], truncated: record?.pathIsTruncated ?? false)
    }
}
