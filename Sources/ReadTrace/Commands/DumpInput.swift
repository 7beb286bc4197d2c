import ArgumentParser
import Dispatch
import ReadTraceCore
import Synchronization

/// Dumps named on the offline commands' command lines: read, checked, and refused with a line
/// per problem (at most 20) and exit status 2.
enum DumpInput {
    static func read(_ path: String) throws(ReadTraceError) -> DumpDocument {
        do {
            return try DumpFile.read(path)
        } catch {
            // A line per problem, but not a line per entry of a large crafted dump.
            let shown = error.problems.prefix(20) + (error.problems.count > 20 ? ["\(error.problems.count - 20) more problems"] : [])
            throw ReadTraceError(lines: shown.map { "\(path): \($0)" }, exitCode: .unusableInput)
        }
    }

    /// The dumps, read at once (a thread each): reading is most of the offline commands' time
    /// on a large dump, and each reads on its own. The first refusal in `paths`' order is thrown.
    static func read(_ paths: [String]) throws(ReadTraceError) -> [DumpDocument] {
        let results = Mutex([Result<DumpDocument, ReadTraceError>?](repeating: nil, count: paths.count))
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let result = Result { () throws(ReadTraceError) in try read(paths[index]) }
            results.withLock { $0[index] = result }
        }
        // concurrentPerform returns when every read has.
        return try results.withLock { $0 }.map { result throws(ReadTraceError) in try result!.get() }
    }

    /// One dump, or several merged on wall-clock time.
    static func merged(_ paths: [String]) throws(ReadTraceError) -> DumpDocument {
        let dumps = try read(paths)
        guard dumps.count > 1 else { return dumps[0] }
        do {
            return try DumpMerge.merge(dumps)
        } catch {
            throw ReadTraceError("\(paths[error.index]): \(error.problem)", exitCode: .unusableInput)
        }
    }

    /// `--key`: a regular expression, or matching by path without one.
    static func fileKey(_ pattern: String?) throws -> FileKey {
        guard let pattern else { return FileKey() }
        do {
            return try FileKey(pattern: pattern)
        } catch {
            throw ValidationError("--key '\(pattern)' is not a regular expression: \(error)")
        }
    }
}
