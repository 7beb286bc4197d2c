extension FileRecord {
    /// The path for people: invalid UTF-8 replaced, files with no name described.
    public var displayPath: String {
        if path.isEmpty { return "[inode \(id.inode) on \(id.device)]" }
        return String(decoding: path, as: UTF8.self)
    }

    /// True when the path bytes are valid UTF-8 and so round-trip through a JSON string.
    public var pathIsUTF8: Bool {
        String(validating: path, as: UTF8.self) != nil
    }
}
