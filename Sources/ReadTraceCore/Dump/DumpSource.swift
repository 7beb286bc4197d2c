/// A finished run's dump for the outputs: the streamed contents, and the whole document built
/// once, only if an output needs every read at once.
public final class DumpSource {
    public let contents: DumpContents
    public private(set) lazy var document = DumpDocument(contents)

    public init(_ contents: DumpContents) {
        self.contents = contents
    }
}
