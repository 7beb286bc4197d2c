import Logging
import ReadTraceCore

/// One logfmt line per event on standard error (`time=… level=info msg="attached" hook=tracepoint`),
/// which log collectors (Loki, Vector, Fluent Bit) parse without configuration. Values are
/// quoted when they need it, and control characters escaped, so a hostile file name cannot
/// forge a line.
struct LogfmtLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = [
            ("time", DumpDocument.iso8601(unixSeconds: Clock.unixSeconds())), ("level", event.level.rawValue), ("msg", "\(event.message)"),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        fields += merged.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
        StandardStreams.writeError(fields.map { "\($0)=\(Self.quoted($1))" }.joined(separator: " ") + "\n")
    }

    /// Bare when the value has no space, quote, `=` or control character; else quoted, with
    /// quotes and (by `TerminalText`) backslashes and control characters escaped.
    static func quoted(_ value: String) -> String {
        let bare =
            !value.isEmpty
            && !value.unicodeScalars.contains { $0.value <= 0x20 || $0 == "\"" || $0 == "=" || $0 == "\\" || TerminalText.isControl($0) }
        if bare { return value }
        return "\"" + TerminalText.escaped(value).map { $0 == "\"" ? "\\\"" : String($0) }.joined() + "\""
    }
}
