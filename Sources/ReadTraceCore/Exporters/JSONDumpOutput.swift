/// `--json`: the dump, schema v1, streamed a read and a file at a time.
public struct JSONDumpOutput: RunOutput {
    public let path: String

    public init(path: String) { self.path = path }

    public func write(_ dump: DumpSource, to emit: ([UInt8]) throws -> Void) throws {
        try dump.write(to: emit)
    }
}
