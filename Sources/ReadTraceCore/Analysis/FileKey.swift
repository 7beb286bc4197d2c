/// What makes files of two dumps the same file: their path, or the part of it a `--key`
/// regular expression captures, so `resnet50-v3.engine` and `resnet50-v2.engine` are one file
/// under `--key '(resnet50)-v[0-9]+'`.
public struct FileKey {
    /// The regular expression as given; nil matches by path.
    public let pattern: String?
    private let regex: Regex<AnyRegexOutput>?

    /// Files matched by path.
    public init() {
        pattern = nil
        regex = nil
    }

    /// Throws when `pattern` is not a regular expression.
    public init(pattern: String) throws {
        self.pattern = pattern
        regex = try Regex(pattern)
    }

    /// The path, or the first group the expression captured in it (its whole match when it
    /// captures none); nil when the expression does not match: the file takes no part.
    public func key(of path: String) -> String? {
        guard let regex else { return path }
        guard let match = try? regex.firstMatch(in: path) else { return nil }
        for index in 1..<max(match.output.count, 1) {
            if let captured = match.output[index].substring { return String(captured) }
        }
        return String(path[match.range])
    }
}
