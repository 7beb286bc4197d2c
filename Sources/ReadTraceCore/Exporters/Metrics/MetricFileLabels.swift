/// The `file` label: the path for files the user selected (`--path` globs, or by default the
/// model-file suffixes), "other" for every other file, so that a Python server's hundreds of
/// modules add no series.
public struct MetricFileLabels: Sendable {
    private let globs: PathFilter?

    /// `globs` empty: files named like model files (`LoadRule.modelFileExtensions`).
    public init(globs: [String]) {
        self.globs = globs.isEmpty ? nil : PathFilter(globs)
    }

    public func label(for file: FileRecord) -> String {
        guard selects(file) else { return MetricLabels.otherValue }
        return file.displayPath
    }

    public func selects(_ file: FileRecord) -> Bool {
        if let globs { return globs.matches(file.path, truncated: file.pathIsTruncated) }
        guard let dot = file.path.lastIndex(of: UInt8(ascii: ".")), !file.path[dot...].contains(UInt8(ascii: "/")) else { return false }
        // ASCII case only, as the kernel compares it (`SuffixSelection`).
        let suffix = String(decoding: file.path[(dot + 1)...].map { (65...90).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        return LoadRule.modelFileExtensions.contains(suffix)
    }
}
