/// A finished run's dump for the outputs: the streamed contents, and the whole document built
/// once, only if an output needs every read at once; and what counts as a load and how many
/// rows to show, for the outputs that draw loads. `report` hands its outputs a dump read back
/// (or merged) as a document.
public final class DumpSource {
    private enum Origin {
        case run(DumpContents)
        case saved(DumpDocument)
    }

    private let origin: Origin
    public private(set) lazy var document: DumpDocument = {
        switch origin {
        case .run(let contents): DumpDocument(contents)
        case .saved(let document): document
        }
    }()
    public let rule: LoadRule
    public let rowPolicy: RowPolicy

    public init(_ contents: DumpContents, rule: LoadRule = LoadRule(), rowPolicy: RowPolicy = RowPolicy()) {
        origin = .run(contents)
        self.rule = rule
        self.rowPolicy = rowPolicy
    }

    public init(_ document: DumpDocument, rule: LoadRule = LoadRule(), rowPolicy: RowPolicy = RowPolicy()) {
        origin = .saved(document)
        self.rule = rule
        self.rowPolicy = rowPolicy
    }

    /// The dump's JSON, in pieces: streamed from the run's contents, or the document encoded.
    public func write(to emit: ([UInt8]) throws -> Void) throws {
        switch origin {
        case .run(let contents): try contents.write(to: emit)
        case .saved(let document): try emit(try document.encoded())
        }
    }
}
