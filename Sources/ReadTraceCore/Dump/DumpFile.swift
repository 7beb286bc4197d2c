import Glibc

/// A dump read from a file anyone may have written: no more than `maximumBytes`, refused
/// early when it cannot be one (a directory, a device that never ends, something that is not
/// a JSON object), then decoded and checked.
public enum DumpFile {
    /// 256 MiB: a run with 100,000 files writes about 70 MB, and decoding takes several times
    /// the file's size in memory.
    public static let maximumBytes = 256 << 20

    public static func read(_ path: String) throws(DumpDocument.DecodingFailure) -> DumpDocument {
        try DumpDocument.decode(try bytes(path))
    }

    static func bytes(_ path: String) throws(DumpDocument.DecodingFailure) -> [UInt8] {
        func failure(_ text: String) -> DumpDocument.DecodingFailure { DumpDocument.DecodingFailure(text) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot read: \(Errno.current)") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot read: \(Errno.current)") }
        if info.st_mode & S_IFMT == S_IFDIR { throw failure("is a directory") }
        if info.st_mode & S_IFMT == S_IFREG, info.st_size > maximumBytes {
            throw failure("\(info.st_size) bytes is more than a dump may have (\(maximumBytes / (1 << 20)) MiB)")
        }
        var content: [UInt8] = []
        // A file's size known, its bytes go in one array without regrowing (and copying) it.
        if info.st_mode & S_IFMT == S_IFREG { content.reserveCapacity(Int(info.st_size) + 1) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw failure("cannot read: \(Errno.current)") }
            if got == 0 { return content }
            content.append(contentsOf: chunk[..<got])
            // A dump is a JSON object: anything else (/dev/zero, a binary) is refused at its first byte.
            if let first = content.first(where: { !" \t\r\n".utf8.contains($0) }), first != UInt8(ascii: "{") {
                throw failure("not a readtrace dump (it does not start with a JSON object)")
            }
            if content.count > maximumBytes {
                throw failure("more than the \(maximumBytes / (1 << 20)) MiB a dump may have")
            }
        }
    }
}
