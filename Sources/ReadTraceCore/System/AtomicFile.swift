import Glibc

/// Writes files so that readers see either the old content or the whole new one.
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String

        init(description: String) { self.description = description }

        init(path: String, errno: Int32) { description = "cannot write \(path): \(Errno.current)" }
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
        if !temporary.unnamed { unlink(temporary.path) }
    }

    /// Writes a temporary file in the same directory, syncs it and renames it over `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { emit in try emit(bytes) }
    }

    /// As `write(_:to:)`, with the content handed over in pieces by `produce`, so that a large
    /// file need not be in memory whole. If `produce` throws, `path` is left as it was. The
    /// content is written to an unnamed file (O_TMPFILE) that gets its name only once complete,
    /// so a kill during a long write leaves nothing behind; filesystems without O_TMPFILE get a
    /// hidden temporary file instead.
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
            try temporary.name(descriptor: descriptor, path: path)
        } catch {
            failure = error
        }
        if close(descriptor) != 0 && failure == nil { failure = Failure(path: path, errno: errno) }
        if failure == nil && rename(temporary.path, path) != 0 { failure = Failure(path: path, errno: errno) }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
    }

    /// The file being written: unnamed until complete, or named from the start.
    private struct Temporary {
        /// The name it gets (or has) beside the target, renamed over the target at the end.
        var path: String
        var unnamed: Bool

        /// Gives an unnamed file its temporary name, just before the rename: the only moment a
        /// kill could leave it behind.
        func name(descriptor: Int32, path target: String) throws {
            guard unnamed else { return }
            guard linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 else {
                throw Failure(path: target, errno: errno)
            }
        }
    }

    /// O_TMPFILE, a macro Swift does not import: `__O_TMPFILE | O_DIRECTORY` (asm-generic/fcntl.h).
    private static let openUnnamed: Int32 = 0o20000000 | O_DIRECTORY

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

    private static func createTemporary(beside path: String) throws -> (Int32, Temporary) {
        let directory = directoryOf(path)
        let name = path.split(separator: "/").last.map(String.init) ?? "dump"
        let unnamed = open(directory, openUnnamed | O_WRONLY | O_CLOEXEC, 0o600)
        if unnamed >= 0 {
            // linkat refuses a name that exists, so a clash fails the write rather than replace a file.
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            return (unnamed, Temporary(path: directory + "/." + name + "." + suffix, unnamed: true))
        }
        var template = Array((directory + "/." + name + ".XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Failure(path: path, errno: errno) }
        let created = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (descriptor, Temporary(path: created, unnamed: false))
    }

    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
