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
    /// The kernel's name of the file's filesystem type ("ext4", "tmpfs", "overlay", "erofs"), with
    /// a FUSE filesystem's subtype as mount shows it ("fuse.bindfs"); nil when not known.
    public var filesystemType: String?
    /// Bytes of the file the page cache held when the first traced read (or fault) of it began,
    /// before that read could add any; nil when the file was first seen only after its pages came
    /// in (a block read, a completed io_uring read, the light hook), or on a stacked filesystem,
    /// whose own inode holds no pages.
    public var cachedBytesAtFirstRead: UInt64?

    public init(
        id: FileID, path: [UInt8], sizeBytes: UInt64, kind: FileKind, deleted: Bool,
        pathIsFilesystemRelative: Bool = false, pathIsTruncated: Bool = false,
        filesystemType: String? = nil, cachedBytesAtFirstRead: UInt64? = nil
    ) {
        self.id = id
        self.path = path
        self.sizeBytes = sizeBytes
        self.kind = kind
        self.deleted = deleted
        self.pathIsFilesystemRelative = pathIsFilesystemRelative
        self.pathIsTruncated = pathIsTruncated
        self.filesystemType = filesystemType
        self.cachedBytesAtFirstRead = cachedBytesAtFirstRead
    }

    /// The filesystem type as mount names it: "fuse.bindfs" for FUSE's subtype "bindfs".
    public static func filesystemType(name: String, subtype: String) -> String? {
        name.isEmpty ? nil : subtype.isEmpty ? name : name + "." + subtype
    }

    /// Filesystem types stacked over another filesystem's files: the page cache is below, so
    /// their own inode's count says nothing.
    public static let stackedFilesystemTypes: Set<String> = ["overlay"]

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
