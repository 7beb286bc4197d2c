/// A cgroup v2 directory made while tracing (sent only for --pod and --container).
public struct CgroupRecord: Sendable, Equatable {
    public var id: UInt64
    public var level: Int
    /// From the hierarchy's root: "/kubepods.slice/…".
    public var path: String

    public init(id: UInt64, level: Int, path: String) {
        self.id = id
        self.level = level
        self.path = path
    }
}
