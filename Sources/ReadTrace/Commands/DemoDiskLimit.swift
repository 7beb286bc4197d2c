import Glibc
import ReadTraceCore

/// How the demo makes its private disk a bandwidth all pods share: the one place that decides
/// which cgroup interface this host offers for it.
enum DemoDiskLimit: Equatable {
    /// cgroup v2's io controller (Linux 4.5): `io.max` on the demo's slice limits every pod
    /// below it together.
    case ioMax(hierarchy: String)
    /// cgroup v1's blkio throttle, where v2 has no io controller (hybrid hosts): every reader
    /// joins one blkio group, since a limit on a parent blkio group does not hold its children.
    case blkioThrottle(hierarchy: String)
    /// Neither: the demo runs at the host disk's speed. The reason, for the one line that says so.
    case unavailable(reason: String)

    /// The interface this host offers: v2's io controller where `v2Hierarchy` lists it, else
    /// the blkio hierarchy from `mountinfo` if it has the throttle files.
    static func probe(v2Hierarchy: String?, mountinfo: String) -> DemoDiskLimit {
        if let v2Hierarchy,
            ProcFS.readLine(v2Hierarchy + "/cgroup.controllers")?.split(separator: " ").contains("io") == true
        {
            return .ioMax(hierarchy: v2Hierarchy)
        }
        let blkio = CgroupHierarchy.v1MountPoint(of: "blkio", inMountInfo: mountinfo)
        if let blkio, access(blkio + "/blkio.throttle.read_bps_device", W_OK) == 0 {
            return .blkioThrottle(hierarchy: blkio)
        }
        let v2 = v2Hierarchy.map { "the cgroup v2 hierarchy at \($0) has no io controller" } ?? "no cgroup v2 hierarchy is mounted"
        let v1 = blkio.map { "\($0) has no blkio.throttle.read_bps_device" } ?? "no cgroup v1 blkio hierarchy is mounted"
        return .unavailable(reason: "\(v2) and \(v1)")
    }

    static func current(v2Hierarchy: String?) -> DemoDiskLimit {
        probe(v2Hierarchy: v2Hierarchy, mountinfo: ProcFS.readText("/proc/self/mountinfo") ?? "")
    }

    /// The line the demo prints before it starts.
    func announcement(mebibytesPerSecond: Int, device: String) -> String {
        switch self {
        case .ioMax:
            "readtrace demo: \(device) limited to \(mebibytesPerSecond) MiB/s shared by all pods (cgroup v2 io.max on the demo's slice)"
        case .blkioThrottle:
            "readtrace demo: \(device) limited to \(mebibytesPerSecond) MiB/s shared by all pods (cgroup v1 "
                + "blkio.throttle.read_bps_device, every reader in one blkio group)"
        case .unavailable(let reason):
            "readtrace demo: cannot limit \(device)'s bandwidth (\(reason)): the demo runs unthrottled, at the host disk's speed"
        }
    }
}
