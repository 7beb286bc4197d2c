/// An append-only array kept in fixed-size chunks. Growing a contiguous array doubles it,
/// holding the old and the new storage at once and leaving up to half of the new one unused;
/// a chunked one never copies what it holds and leaves at most one chunk unused.
public struct ChunkedArray<Element> {
    private static var chunkShift: Int { 12 }
    private static var chunkSize: Int { 1 << chunkShift }
    private var chunks: [ContiguousArray<Element>] = []
    public private(set) var count = 0

    public init() {}

    public mutating func append(_ element: Element) {
        if count & (Self.chunkSize - 1) == 0 {
            var chunk = ContiguousArray<Element>()
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }
}

extension ChunkedArray: RandomAccessCollection, MutableCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        get { chunks[position >> Self.chunkShift][position & (Self.chunkSize - 1)] }
        _modify { yield &chunks[position >> Self.chunkShift][position & (Self.chunkSize - 1)] }
    }
}

extension ChunkedArray: Sendable where Element: Sendable {}
