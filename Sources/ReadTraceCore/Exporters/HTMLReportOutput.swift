/// `--html`: the self-contained HTML report; the dump inside it is streamed like `--json`'s.
public struct HTMLReportOutput: RunOutput {
    public let path: String

    public init(path: String) { self.path = path }

    public func write(_ dump: DumpSource, to emit: ([UInt8]) throws -> Void) throws {
        try HTMLReport.write(dump.document, rule: dump.rule, rowPolicy: dump.rowPolicy, embedding: dump.write(to:), to: emit)
    }
}
