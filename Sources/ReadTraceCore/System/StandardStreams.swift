import Glibc

/// Unbuffered writes to the standard descriptors, safe from any isolation domain.
public enum StandardStreams {
    public static func writeError(_ text: String) { write(text, to: STDERR_FILENO) }
    public static func writeOutput(_ text: String) { write(text, to: STDOUT_FILENO) }

    /// Writes everything, retrying short writes and EINTR; gives up silently on a closed stream.
    public static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
