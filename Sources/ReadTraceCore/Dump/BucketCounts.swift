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

    private init(endIndex: Int, leading: Int, counts: [UInt64]) {
        self.endIndex = endIndex
        self.leading = leading
        self.counts = counts
    }

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

extension BucketCounts: JSONBytesDecodable {
    init(bytesAt start: Int, in text: JSONText) throws(JSONText.Refusal) {
        var builder = Builder()
        try text.forEachElement(at: start) { index throws(JSONText.Refusal) in builder.append(try text.whole(at: index)) }
        self = builder.counts
    }
}

extension BucketCounts: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([UInt64].self))
    }

    public func encode(to encoder: any Encoder) throws {
        // A count at a time through the UInt64 overload: encoding the array whole went through
        // the generic path (a dynamic cast per element), half of `report --json`'s time.
        var container = encoder.unkeyedContainer()
        for count in self { try container.encode(count) }
    }
}

extension BucketCounts {
    /// Counts appended a bucket at a time, kept as `BucketCounts` keeps them: the empty buckets
    /// before the first count and after the last are counted, not stored, and no whole array of
    /// every bucket is made first (a dump reader's timelines, 100,000 and more).
    public struct Builder {
        private var buckets = 0
        private var leading = 0
        private var occupied: [UInt64] = []
        /// Empty buckets since the last count above zero: stored only when another follows.
        private var empty = 0

        public init() {}

        public mutating func append(_ count: UInt64) {
            buckets += 1
            guard count > 0 else {
                if occupied.isEmpty { leading += 1 } else { empty += 1 }
                return
            }
            if empty > 0 {
                occupied.append(contentsOf: repeatElement(0, count: empty))
                empty = 0
            }
            occupied.append(count)
        }

        /// The buckets appended so far.
        public var counts: BucketCounts {
            BucketCounts(endIndex: buckets, leading: occupied.isEmpty ? 0 : leading, counts: occupied)
        }
    }
}
