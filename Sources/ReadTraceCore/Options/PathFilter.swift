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

    /// Why `pattern` is not a glob fnmatch would take as meant, or nil: glibc reads an unclosed
    /// `[` or a trailing backslash as literal text, which silently matches nothing.
    public static func problem(in pattern: String) -> String? {
        if pattern.isEmpty { return "an empty glob matches no file" }
        var characters = pattern.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\\":
                if characters.next() == nil { return "the glob ends in a lone backslash" }
            case "[":
                // A set: "]" right after "[" (or "[!", "[^") is a member, not its end.
                var member = characters.next()
                if member == "!" || member == "^" { member = characters.next() }
                if member == "]" { member = characters.next() }
                while let inside = member, inside != "]" { member = characters.next() }
                if member == nil { return "the glob has a '[' that is never closed" }
            default:
                continue
            }
        }
        return nil
    }

    /// A glob matching every file below `directory` (a path without glob characters of its own).
    public static func pattern(below directory: String) -> String {
        var escaped = ""
        for character in directory {
            if "*?[\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return (escaped.hasSuffix("/") ? escaped : escaped + "/") + "*"
    }
}
