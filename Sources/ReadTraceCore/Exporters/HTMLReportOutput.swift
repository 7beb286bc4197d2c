/// `--html`: the self-contained HTML report.
public struct HTMLReportOutput: RunOutput {
    public let path: String

    public init(path: String) { self.path = path }

    public func write(_ dump: DumpSource, to emit: ([UInt8]) throws -> Void) throws {
        try emit(Array(try HTMLReport.render(dump.document, rule: dump.rule, rowPolicy: dump.rowPolicy).utf8))
    }
}
