import Glibc

/// Writes files so that readers see either the old content or the whole new one.
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
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
        let (descriptor, temporary) = try createTemporary(beside: path)
        var remaining = bytes[...]
        var failure: Int32 = 0
        while !remaining.isEmpty && failure == 0 {
            let written = remaining.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                remaining = remaining.dropFirst(written)
            } else if written < 0 && errno != EINTR {
                failure = errno
            }
        }
        if failure == 0 && (fchmod(descriptor, 0o644) != 0 || fsync(descriptor) != 0) { failure = errno }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }

    private static func createTemporary(beside path: String) throws -> (Int32, String) {
        let name = path.split(separator: "/").last.map(String.init) ?? "dump"
        var template = Array((directoryOf(path) + "/." + name + ".XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return (descriptor, String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
