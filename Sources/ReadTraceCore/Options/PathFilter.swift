import Glibc

/// `--path` globs: a file is shown and dumped when its full path matches any of them
/// (or when there are none). `*` also matches `/`, so `*.engine` matches any depth. A truncated
/// path ("…/c/d.engine": deeper than the kernel's walk, and closed before user space could name
/// it) matches a glob when the glob could match some path ending in its known components: the
/// glob matches it whole, or from one of its `/` or `*` on, against "/c/d.engine".
public struct PathFilter: Sendable {
    public let patterns: [String]

    public init(_ patterns: [String]) { self.patterns = patterns }

    public func matches(_ path: [UInt8], truncated: Bool = false) -> Bool {
        guard !patterns.isEmpty else { return true }
        if patterns.contains(where: { Self.fnmatch($0, path) }) { return true }
        let marker = Array("…".utf8)
        guard truncated, path.starts(with: marker) else { return false }
        let knownTail = Array(path.dropFirst(marker.count))
        return patterns.contains { pattern in
            let characters = Array(pattern)
            return characters.indices.contains { index in
                (characters[index] == "/" || characters[index] == "*")
                    && Self.fnmatch(String(characters[index...]), knownTail)
            }
        }
    }

    private static func fnmatch(_ pattern: String, _ path: [UInt8]) -> Bool {
        var terminated = path
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { Glibc.fnmatch(pattern, $0.baseAddress!, 0) == 0 }
        }
    }
}
