import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A baseline store on disk: a directory with one JSON file per file key (`BaselineHistory`),
/// named by a hash of the key. Each file is replaced atomically (`AtomicFile`), so a reader sees
/// a history before or after an update, never half of one; `update` holds an exclusive lock on
/// the directory's `.lock` for its whole read-modify-write, so concurrent updates (two nodes'
/// agents writing to one shared store) queue instead of losing each other's loads, and `check`
/// holds a shared one.
public struct BaselineStore: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let directory: String

    /// Opens the store; `create` makes the directory when it is missing.
    public init(directory: String, create: Bool) throws(Failure) {
        self.directory = directory
        var info = stat()
        if stat(directory, &info) != 0 {
            guard create, errno == ENOENT, mkdir(directory, 0o755) == 0 else {
                throw Failure(description: "\(directory): \(create ? "cannot create the store" : "no such store"): \(Errno.current)")
            }
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw Failure(description: "\(directory): not a directory (a store is a directory)")
        }
    }

    /// Runs `body` holding the store's lock: exclusive for an update, shared for reading.
    public func locked<Result>(exclusive: Bool, _ body: () throws -> Result) throws -> Result {
        let path = directory + "/.lock"
        let descriptor = open(path, (exclusive ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC, 0o644)
        // A store no update has locked yet has no lock file: nothing can be half written.
        if descriptor < 0 && !exclusive && errno == ENOENT { return try body() }
        guard descriptor >= 0 else { throw Failure(description: "\(path): cannot open the store's lock: \(Errno.current)") }
        defer { close(descriptor) }
        while flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            guard errno == EINTR else { throw Failure(description: "\(path): cannot lock the store: \(Errno.current)") }
        }
        return try body()
    }

    /// The history of `key`; nil when the store has none.
    public func history(of key: String) throws(Failure) -> BaselineHistory? {
        let path = self.path(of: key)
        guard let data = FileManager.default.contents(atPath: path) else {
            if access(path, F_OK) == 0 { throw Failure(description: "\(path): cannot read: \(Errno.current)") }
            return nil
        }
        guard let history = try? JSONDecoder().decode(BaselineHistory.self, from: data) else {
            throw Failure(description: "\(path): not a baseline history (corrupt JSON or missing fields)")
        }
        guard history.storeVersion == BaselineHistory.formatVersion else {
            throw Failure(
                description: "\(path): store_version \(history.storeVersion); this readtrace reads \(BaselineHistory.formatVersion)")
        }
        guard history.key == key else { throw Failure(description: "\(path): holds the history of another key") }
        return history
    }

    public func save(_ history: BaselineHistory) throws {
        try AtomicFile.write(Array(try DumpDocument.encoder().encode(history)) + [UInt8(ascii: "\n")], to: path(of: history.key))
    }

    /// "<16 hex digits>.json": FNV-1a of the key, so any key (a path, a captured name) is a file name.
    func path(of key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return directory + "/" + String(repeating: "0", count: 16 - digits.count) + digits + ".json"
    }
}
