/// `--html`: the self-contained HTML report; the dump inside it is streamed like `--json`'s.
public struct HTMLReportOutput: RunOutput {
    public let path: String

    public init(path: String) { self.path = path }

    public func write(_ dump: DumpSource, to emit: ([UInt8]) throws -> Void) throws {
        try emit(Array((HTMLReport.body(dump.document, rule: dump.rule, rowPolicy: dump.rowPolicy) + HTMLReport.dataOpening).utf8))
        try dump.contents.write { piece in try emit(HTMLReport.escapedForScript(piece)) }
        try emit(Array(HTMLReport.ending.utf8))
    }
}
