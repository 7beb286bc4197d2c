import Glibc

/// Finds a program the way execvp will: as given when it contains a slash, else in PATH.
public enum ExecutableSearch {
    /// What execvp would make of a program name; shells exit 127 and 126 for the two failures.
    public enum Outcome: Equatable, Sendable {
        case found(String)
        case notFound
        /// Only files that cannot be run by that name (no execute permission, a directory): the first of them.
        case notExecutable(String)
    }

    public static func find(_ program: String, path: String? = getenv("PATH").map { String(cString: $0) }) -> Outcome {
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        let candidates = program.contains("/") ? [program] : directories.map { ($0.isEmpty ? "." : String($0)) + "/" + program }
        var unrunnable: String?
        for candidate in candidates {
            var info = stat()
            guard stat(candidate, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFREG && access(candidate, X_OK) == 0 { return .found(candidate) }
            unrunnable = unrunnable ?? candidate
        }
        return unrunnable.map(Outcome.notExecutable) ?? .notFound
    }
}
