/// Bytes per fixed time bucket since the start of the run. Only the span from the
/// first to the last non-empty bucket is stored.
public struct Timeline: Sendable, Equatable {
    /// The resolution data is kept at; `resampled(maxBuckets:)` coarsens it for output.
    public static let bucketNanoseconds: UInt64 = 100_000_000

    private var firstBucket = 0
    private var bytes: [UInt64] = []

    public init() {}

    public mutating func add(_ count: UInt64, atNanosecondsSinceStart offset: UInt64) {
        let bucket = Int(offset / Self.bucketNanoseconds)
        if bytes.isEmpty {
            firstBucket = bucket
            bytes = [0]
        } else if bucket < firstBucket {
            bytes.insert(contentsOf: repeatElement(0, count: firstBucket - bucket), at: 0)
            firstBucket = bucket
        } else if bucket >= firstBucket + bytes.count {
            bytes.append(contentsOf: repeatElement(0, count: bucket - firstBucket - bytes.count + 1))
        }
        bytes[bucket - firstBucket] &+= count
    }

    /// Bytes per bucket from the start of the run to `durationNanoseconds`, with buckets
    /// widened to the first of `widths` (seconds) that keeps their number at most `maxBuckets`.
    public func series(durationNanoseconds: UInt64, maxBuckets: Int = 1000) -> (bucketSeconds: Double, bytes: [UInt64]) {
        let fineCount = max(Int((durationNanoseconds + Self.bucketNanoseconds - 1) / Self.bucketNanoseconds),
                            firstBucket + bytes.count)
        let factors = [1, 2, 5, 10, 20, 50, 100, 150, 300, 600, 1200, 3000, 6000, 36000]
        let factor = factors.first { (fineCount + $0 - 1) / $0 <= maxBuckets } ?? factors.last!
        var series = [UInt64](repeating: 0, count: max(1, (fineCount + factor - 1) / factor))
        for (offset, count) in bytes.enumerated() {
            series[(firstBucket + offset) / factor] &+= count
        }
        return (Double(factor) * Double(Self.bucketNanoseconds) / 1e9, series)
    }
}
