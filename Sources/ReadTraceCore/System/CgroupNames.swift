/// Names cgroup v2 ids (directory inode numbers) by finding their directories; remembers
/// every directory seen, and looks again only for ids it does not know yet.
public final class CgroupNames: @unchecked Sendable {
    private let hierarchy: CgroupHierarchy
    private var pathsByID: [UInt64: String] = [:]

    public init(hierarchy: CgroupHierarchy) { self.hierarchy = hierarchy }

    /// The path inside the hierarchy ("/" for the root); nil when no cgroup has this id (any more).
    public func path(of id: UInt64) -> String? {
        if let known = pathsByID[id] { return known }
        pathsByID = Dictionary(hierarchy.all().map { ($0.id, $0.path) }, uniquingKeysWith: { first, _ in first })
        return pathsByID[id]
    }
}
