extension FileRecord {
    /// Stands in for a file whose name has not arrived (its record was lost; the kernel sends it again).
    public static func unnamed(_ id: FileID) -> FileRecord {
        FileRecord(id: id, path: [], sizeBytes: 0, kind: .other, deleted: false)
    }

    /// The path for people: invalid UTF-8 replaced, files with no name described.
    public var displayPath: String {
        if path.isEmpty {
            // The names /proc/PID/fd links give such files.
            return switch kind {
            case .pipe: "pipe:[\(id.inode)]"
            case .socket: "socket:[\(id.inode)]"
            default: "[inode \(id.inode) on \(id.device)]"
            }
        }
        return String(decoding: path, as: UTF8.self)
    }

    /// True when the path bytes are valid UTF-8 and so round-trip through a JSON string.
    public var pathIsUTF8: Bool {
        String(validating: path, as: UTF8.self) != nil
    }

    /// The path as a table shows it.
    var tablePath: String { deleted ? displayPath + " (deleted)" : displayPath }
}
