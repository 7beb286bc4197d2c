/// `--trace-events`: Chrome trace-event JSON (Perfetto UI, chrome://tracing).
public struct TraceEventsOutput: RunOutput {
    public let path: String

    public init(path: String) { self.path = path }

    public func write(_ dump: DumpSource, to emit: ([UInt8]) throws -> Void) throws {
        try emit(try TraceEventsDocument(dump.document, rule: dump.rule).encoded())
    }
}
