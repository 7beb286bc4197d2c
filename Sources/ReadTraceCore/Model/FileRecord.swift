/// A file named by the kernel the first time a traced process read it.
public struct FileRecord: Sendable, Equatable {
    public var id: FileID
    /// The full path as raw bytes: Linux paths need not be UTF-8. Empty for files
    /// with no name in any directory (pipes, sockets, anonymous inodes).
    public var path: [UInt8]
    public var sizeBytes: UInt64
    public var kind: FileKind
    /// The file had no links left (deleted while open) when first seen.
    public var deleted: Bool
    /// The kernel named the file from its inode, so `path` starts at the root of the file's
    /// filesystem; `MountTable` turns it into a full path.
    public var pathIsFilesystemRelative: Bool
    /// The kernel's walk stopped short of the root (deeper than it follows): `path` is "…" and
    /// the last components. User space completes it while the file is still open somewhere.
    public var pathIsTruncated: Bool

    public init(
        id: FileID, path: [UInt8], sizeBytes: UInt64, kind: FileKind, deleted: Bool,
        pathIsFilesystemRelative: Bool = false, pathIsTruncated: Bool = false
    ) {
        self.id = id
        self.path = path
        self.sizeBytes = sizeBytes
        self.kind = kind
        self.deleted = deleted
        self.pathIsFilesystemRelative = pathIsFilesystemRelative
        self.pathIsTruncated = pathIsTruncated
    }

    /// Joins path components sent leaf first ("a.engine", "models") into "/models/a.engine".
    /// An incomplete walk (too deep or too long) is marked with a leading "…".
    public static func path(fromLeafFirstComponents components: [[UInt8]], complete: Bool) -> [UInt8] {
        if components.isEmpty { return complete ? Array("/".utf8) : [] }
        var path: [UInt8] = complete ? [] : Array("…".utf8)
        for component in components.reversed() {
            path.append(UInt8(ascii: "/"))
            path.append(contentsOf: component)
        }
        return path
    }
}
