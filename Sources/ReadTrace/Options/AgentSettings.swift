import ReadTraceCore

/// What `readtrace agent` adds to a tracing run's options, with its defaults.
struct AgentSettings {
    var listen = "127.0.0.1:9435"
    var retain = TimeSpan(seconds: 30 * 60)
    var retainMemory = ByteCount(bytes: 64 << 20)
    var dumpDirectory: String?
    var slowerThan: ByteRate?
    var longerThan: TimeSpan?
    var maxSeries = 10_000
    var podsLogDirectory = "/var/log/pods"
    var hostProc = "/proc"
    var forgetAfter = TimeSpan(seconds: 300)
    /// At most one trigger dump in this long.
    var triggerQuietNanoseconds: UInt64 = 300_000_000_000

    /// "127.0.0.1:9435" or "[::1]:9435" as host and port; nil for anything else.
    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains(where: { $0 == "[" || $0 == "]" || $0.isWhitespace }) else { return nil }
        return (String(host), port)
    }
}
