/// Bytes per fixed time bucket since the start of the run. Only the span from the
/// first to the last non-empty bucket is stored.
public struct Timeline: Sendable, Equatable {
    /// The resolution data is kept at; `series(durationNanoseconds:maxBuckets:)` coarsens it for output.
    public static let bucketNanoseconds: UInt64 = 100_000_000

    private var bytes = SparseCounters<UInt64>()

    public init() {}

    public mutating func add(_ count: UInt64, atNanosecondsSinceStart offset: UInt64) {
        bytes.add(count, at: Int(offset / Self.bucketNanoseconds))
    }

    /// Where the last non-empty bucket ends: series of timelines sharing a time axis need a
    /// duration at least this long to get the same buckets.
    public var extentNanoseconds: UInt64 { UInt64(max(bytes.indices.upperBound, 0)) * Self.bucketNanoseconds }

    /// Bytes per bucket from the start of the run to `durationNanoseconds`, with buckets
    /// widened (0.1 s, 0.2, 0.5, 1, 2, 5 s, …) until there are at most `maxBuckets`.
    public func series(durationNanoseconds: UInt64, maxBuckets: Int = 1000) -> (bucketSeconds: Double, bytes: [UInt64]) {
        let (fineCount, factor) = widening(durationNanoseconds: durationNanoseconds, maxBuckets: maxBuckets)
        var series = [UInt64](repeating: 0, count: max(1, (fineCount + factor - 1) / factor))
        for bucket in bytes.indices {
            series[bucket / factor] &+= bytes[bucket]
        }
        return (Double(factor) * Double(Self.bucketNanoseconds) / 1e9, series)
    }

    /// The bucket width `series` would use, without making the series.
    public func bucketSeconds(durationNanoseconds: UInt64, maxBuckets: Int = 1000) -> Double {
        Double(widening(durationNanoseconds: durationNanoseconds, maxBuckets: maxBuckets).factor) * Double(Self.bucketNanoseconds) / 1e9
    }

    /// How many fine buckets reach `durationNanoseconds`, and how many of them one output bucket holds.
    private func widening(durationNanoseconds: UInt64, maxBuckets: Int) -> (fineCount: Int, factor: Int) {
        let fineCount = max(
            Int((durationNanoseconds + Self.bucketNanoseconds - 1) / Self.bucketNanoseconds),
            bytes.indices.upperBound)
        let factors = [1, 2, 5, 10, 20, 50, 100, 150, 300, 600, 1200, 3000, 6000, 36000]
        return (fineCount, factors.first { (fineCount + $0 - 1) / $0 <= maxBuckets } ?? factors.last!)
    }
}
