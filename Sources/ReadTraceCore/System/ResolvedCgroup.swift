/// A cgroup named by the user, as the kernel identifies it.
public struct ResolvedCgroup: Sendable, Equatable {
    /// Path inside the hierarchy, "/" being the root.
    public var path: String
    /// The cgroup v2 id: the inode number of its directory.
    public var id: UInt64
    /// Depth below the root (the root is level 0), as bpf_get_current_ancestor_cgroup_id counts.
    public var level: Int
}
