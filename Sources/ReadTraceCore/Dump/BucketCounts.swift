/// A timeline's counts per bucket, held from the first count above zero to the last: an entry
/// reads in a few buckets of its run, and a merged dump moves each entry's buckets by as many
/// empty ones as its run started after the earliest (1,200 for two minutes at 0.1 s). Written
/// and read as the whole array, every empty bucket included.
public struct BucketCounts: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    public var startIndex: Int { 0 }
    public private(set) var endIndex: Int
    /// The buckets before the first count above zero, and the counts from it to the last above zero.
    private var leading: Int
    private var counts: [UInt64]

    public init(_ all: [UInt64]) {
        endIndex = all.count
        guard let first = all.firstIndex(where: { $0 > 0 }), let last = all.lastIndex(where: { $0 > 0 }) else {
            leading = 0
            counts = []
            return
        }
        leading = first
        counts = Array(all[first...last])
    }

    public init(arrayLiteral elements: UInt64...) { self.init(elements) }

    public subscript(position: Int) -> UInt64 {
        precondition(position >= 0 && position < endIndex, "bucket \(position) of \(endIndex)")
        let offset = position - leading
        return offset >= 0 && offset < counts.count ? counts[offset] : 0
    }

    /// The buckets from the first above zero to the last, and where they start; empty when all are zero.
    public var occupied: (start: Int, counts: [UInt64]) { (leading, counts) }

    /// The same counts `buckets` later: that many empty buckets first.
    public func delayed(by buckets: Int) -> BucketCounts {
        var moved = self
        moved.endIndex += buckets
        if !counts.isEmpty { moved.leading += buckets }
        return moved
    }
}

extension BucketCounts: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([UInt64].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Array(self))
    }
}
