/// A finished run's dump for the outputs: the streamed contents (the JSON dump and the data
/// the HTML embeds, a read at a time), and the document the summary, the timelines, the storm
/// summary, the tables and the trace events draw from, built once when first asked for; and
/// what counts as a load and how many rows to show, for the outputs that draw loads. `report`
/// hands its outputs a dump read back (or merged) as a document.
///
/// Memory at the end of a run: the document holds every entry's figures but a timeline only
/// for the loads the rule counts, the only reads drawn over time. A timeline is up to 1,000
/// buckets twice (16 KiB); an entry without one, with the rows drawn from it, stays under 3 KiB
/// (measured: 1.1 KiB for 5,000 short-lived readers, 2.6 KiB for 50,000 files of one reader).
/// So the end of a run adds at most 3 KiB per entry and 16 KiB per counted load to what tracing
/// held, however long the run.
public final class DumpSource {
    private enum Origin {
        case run(DumpContents)
        case saved(DumpDocument)
    }

    private let origin: Origin
    public private(set) lazy var document: DumpDocument = {
        switch origin {
        case .run(let contents): DumpDocument(contents, timelinesFor: rule)
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
        case .saved(let document): try document.write(to: emit)
        }
    }
}
