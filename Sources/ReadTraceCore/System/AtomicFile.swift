import Glibc

/// Writes files so that readers see either the old content or the whole new one.
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String

        init(description: String) { self.description = description }

        init(path: String, errno: Int32) { description = "cannot write \(path): \(String(cString: strerror(errno)))" }
    }

    /// Checks, before any tracing, that `path` can be written: its directory exists and
    /// accepts a new file.
    public static func checkWritable(path: String) throws {
        let directory = directoryOf(path)
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(description: "cannot write \(path): directory \(directory) does not exist")
        }
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw Failure(description: "cannot write \(path): it is a directory")
        }
        let (descriptor, temporary) = try createTemporary(beside: path)
        close(descriptor)
        unlink(temporary)
    }

    /// Writes a temporary file in the same directory, syncs it and renames it over `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { emit in try emit(bytes) }
    }

    /// As `write(_:to:)`, with the content handed over in pieces by `produce`, so that a large
    /// file need not be in memory whole. If `produce` throws, `path` is left as it was.
    public static func write(to path: String, _ produce: (_ emit: ([UInt8]) throws -> Void) throws -> Void) throws {
        let flushBytes = 1 << 20
        let (descriptor, temporary) = try createTemporary(beside: path)
        var failure: (any Error)?
        do {
            var pending: [UInt8] = []
            try produce { piece in
                pending += piece
                if pending.count >= flushBytes {
                    try writeAll(pending, to: descriptor, path: path)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            try writeAll(pending, to: descriptor, path: path)
            guard fchmod(descriptor, 0o644) == 0, fsync(descriptor) == 0 else { throw Failure(path: path, errno: errno) }
        } catch {
            failure = error
        }
        if close(descriptor) != 0 && failure == nil { failure = Failure(path: path, errno: errno) }
        if failure == nil && rename(temporary, path) != 0 { failure = Failure(path: path, errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                remaining = remaining.dropFirst(written)
            } else if written < 0 && errno != EINTR {
                throw Failure(path: path, errno: errno)
            }
        }
    }

    private static func createTemporary(beside path: String) throws -> (Int32, String) {
        let name = path.split(separator: "/").last.map(String.init) ?? "dump"
        var template = Array((directoryOf(path) + "/." + name + ".XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Failure(path: path, errno: errno) }
        return (descriptor, String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
