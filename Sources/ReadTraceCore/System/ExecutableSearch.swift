import Glibc

/// Finds a program the way execvp will: as given when it contains a slash, else in PATH.
public enum ExecutableSearch {
    public static func find(_ program: String, path: String? = getenv("PATH").map { String(cString: $0) }) -> String? {
        if program.contains("/") { return isExecutableFile(program) ? program : nil }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        return directories.map { ($0.isEmpty ? "." : String($0)) + "/" + program }.first(where: isExecutableFile)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }
}
