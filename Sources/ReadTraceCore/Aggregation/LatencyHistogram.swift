/// A log-linear histogram of durations in nanoseconds: exact below 16 ns, then 16
/// buckets per power of two, so a reported percentile is within about 3% of the truth.
/// Only the range of buckets in use is stored, and nothing while there are two durations or
/// fewer: they are the extremes. Most files are read in a call or two, and this keeps their
/// entries free of heap storage.
public struct LatencyHistogram: Sendable, Equatable {
    static let subBucketBits = 4
    static let subBucketCount = 1 << subBucketBits
    /// Up to this many durations, the buckets follow from the minimum and the maximum.
    static let countKeptAsExtremes = 2

    /// Empty until more than `countKeptAsExtremes` durations are recorded.
    private var storedBuckets = SparseCounters<UInt32>()
    public private(set) var count: UInt64 = 0
    public private(set) var totalNanoseconds: UInt64 = 0
    public private(set) var minNanoseconds: UInt64 = .max
    public private(set) var maxNanoseconds: UInt64 = 0

    public init() {}

    public mutating func record(_ nanoseconds: UInt64) {
        if count >= Self.countKeptAsExtremes {
            if count == Self.countKeptAsExtremes { storedBuckets = buckets }
            storedBuckets.add(1, at: Self.bucketIndex(of: nanoseconds))
        }
        count += 1
        totalNanoseconds &+= nanoseconds
        minNanoseconds = min(minNanoseconds, nanoseconds)
        maxNanoseconds = max(maxNanoseconds, nanoseconds)
    }

    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        var merged = buckets
        let otherBuckets = other.buckets
        for index in otherBuckets.indices { merged.add(otherBuckets[index], at: index) }
        count += other.count
        totalNanoseconds &+= other.totalNanoseconds
        minNanoseconds = min(minNanoseconds, other.minNanoseconds)
        maxNanoseconds = max(maxNanoseconds, other.maxNanoseconds)
        storedBuckets = count > Self.countKeptAsExtremes ? merged : SparseCounters()
    }

    /// The count of durations in each bucket, stored or made from the extremes.
    private var buckets: SparseCounters<UInt32> {
        guard count <= Self.countKeptAsExtremes else { return storedBuckets }
        var buckets = SparseCounters<UInt32>()
        if count >= 1 { buckets.add(1, at: Self.bucketIndex(of: minNanoseconds)) }
        if count == 2 { buckets.add(1, at: Self.bucketIndex(of: maxNanoseconds)) }
        return buckets
    }

    /// The value at or below which `fraction` (0...1) of the recorded durations lie:
    /// the middle of the bucket holding that rank, clamped to the observed extremes.
    public func percentile(_ fraction: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = max(1, UInt64((fraction * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        let buckets = buckets
        for index in buckets.indices {
            seen += UInt64(buckets[index])
            if seen >= rank {
                let value = Self.representative(ofBucket: index)
                return min(max(value, minNanoseconds), maxNanoseconds)
            }
        }
        return maxNanoseconds
    }

    static func bucketIndex(of value: UInt64) -> Int {
        if value < UInt64(subBucketCount) { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount
        let subBucket = Int((value >> UInt64(exponent - subBucketBits)) & UInt64(subBucketCount - 1))
        return (exponent - subBucketBits + 1) * subBucketCount + subBucket
    }

    /// The lowest value of a bucket and its width.
    static func range(ofBucket index: Int) -> (lower: UInt64, width: UInt64) {
        if index < subBucketCount { return (UInt64(index), 1) }
        let exponent = index / subBucketCount + subBucketBits - 1
        let subBucket = UInt64(index % subBucketCount)
        let width = UInt64(1) << UInt64(exponent - subBucketBits)
        return ((UInt64(subBucketCount) + subBucket) * width, width)
    }

    static func representative(ofBucket index: Int) -> UInt64 {
        let (lower, width) = range(ofBucket: index)
        return lower + width / 2
    }
}
