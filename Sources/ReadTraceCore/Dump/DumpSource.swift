/// A finished run's dump for the outputs: the streamed contents, and the whole document built
/// once, only if an output needs every read at once; and what counts as a load and how many
/// rows to show, for the outputs that draw loads.
public final class DumpSource {
    public let contents: DumpContents
    public private(set) lazy var document = DumpDocument(contents)
    public let rule: LoadRule
    public let rowPolicy: RowPolicy

    public init(_ contents: DumpContents, rule: LoadRule = LoadRule(), rowPolicy: RowPolicy = RowPolicy()) {
        self.contents = contents
        self.rule = rule
        self.rowPolicy = rowPolicy
    }
}
