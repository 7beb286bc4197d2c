import Glibc

/// `--path` globs: a file is shown and dumped when its full path matches any of them
/// (or when there are none). `*` also matches `/`, so `*.engine` matches any depth.
public struct PathFilter: Sendable {
    public let patterns: [String]

    public init(_ patterns: [String]) { self.patterns = patterns }

    public func matches(_ path: [UInt8]) -> Bool {
        guard !patterns.isEmpty else { return true }
        var terminated = path
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cPath in
                patterns.contains { fnmatch($0, cPath.baseAddress!, 0) == 0 }
            }
        }
    }
}
