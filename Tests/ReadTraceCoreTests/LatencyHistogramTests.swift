import Testing

@testable import ReadTraceCore

@Suite("Latency histogram")
struct LatencyHistogramTests {
    @Test("percentiles of a uniform spread land within 3% of the exact value")
    func percentilesAreAccurate() {
        var histogram = LatencyHistogram()
        for value in 1...10_000 { histogram.record(UInt64(value) * 1_000) }
        for (fraction, exact) in [(0.5, 5_000_000.0), (0.9, 9_000_000.0), (0.99, 9_900_000.0)] {
            let reported = Double(histogram.percentile(fraction))
            #expect(abs(reported - exact) / exact < 0.03, "p\(fraction): \(reported) vs \(exact)")
        }
        #expect(histogram.maxNanoseconds == 10_000_000)
        #expect(histogram.minNanoseconds == 1_000)
        #expect(histogram.totalNanoseconds == (1...10_000).reduce(0) { $0 + UInt64($1) * 1_000 })
        #expect(histogram.count == 10_000)
    }

    @Test("small values are exact and percentiles never leave the observed range")
    func smallAndClamped() {
        var histogram = LatencyHistogram()
        for value: UInt64 in [3, 3, 3, 7] { histogram.record(value) }
        #expect(histogram.percentile(0.5) == 3)
        #expect(histogram.percentile(1.0) == 7)
        var single = LatencyHistogram()
        single.record(123_456_789)
        #expect(single.percentile(0.5) == 123_456_789)
        #expect(single.percentile(0.99) == 123_456_789)
        #expect(LatencyHistogram().percentile(0.5) == 0)
    }

    @Test("each value falls inside the bucket it is counted in")
    func bucketsContainTheirValues() {
        for value: UInt64 in [0, 1, 15, 16, 17, 31, 32, 1_000, 65_535, 65_536, 1 << 40, UInt64.max / 3] {
            let index = LatencyHistogram.bucketIndex(of: value)
            let (lower, width) = LatencyHistogram.range(ofBucket: index)
            #expect(lower <= value && value - lower < width, "\(value) in bucket \(index) [\(lower), +\(width))")
        }
    }

    @Test("merging equals recording everything in one histogram")
    func mergeMatchesCombinedRecording() {
        var first = LatencyHistogram()
        var second = LatencyHistogram()
        var combined = LatencyHistogram()
        for value: UInt64 in [900, 5_000, 70_000] {
            first.record(value)
            combined.record(value)
        }
        for value: UInt64 in [12, 2_000_000, 5_100] {
            second.record(value)
            combined.record(value)
        }
        first.merge(second)
        #expect(first == combined)
    }
}

@Suite("Timeline")
struct TimelineTests {
    @Test("bytes land in 0.1 s buckets counted from the start of the run")
    func fineBuckets() {
        var timeline = Timeline()
        timeline.add(100, atNanosecondsSinceStart: 50_000_000)
        timeline.add(200, atNanosecondsSinceStart: 250_000_000)
        timeline.add(1, atNanosecondsSinceStart: 260_000_000)
        let series = timeline.series(durationNanoseconds: 500_000_000)
        #expect(series.bucketSeconds == 0.1)
        #expect(series.bytes == [100, 0, 201, 0, 0])
    }

    @Test("long runs widen the buckets so no more than the maximum are written, keeping the total")
    func widenedBuckets() {
        var timeline = Timeline()
        for second in 0..<3_600 { timeline.add(1_000, atNanosecondsSinceStart: UInt64(second) * 1_000_000_000) }
        let series = timeline.series(durationNanoseconds: 3_600 * 1_000_000_000, maxBuckets: 1_000)
        #expect(series.bytes.count <= 1_000)
        #expect(series.bucketSeconds == 5)
        #expect(series.bytes.reduce(0, +) == 3_600_000)
        #expect(series.bytes.first == 5_000)
    }
}

@Suite("Compact statistics")
struct CompactStatisticsTests {
    /// Percentiles the way the histogram defines them, from every bucket counted explicitly.
    static func referencePercentile(_ values: [UInt64], _ fraction: Double) -> UInt64 {
        let sorted = values.sorted()
        let rank = max(1, Int((fraction * Double(sorted.count)).rounded(.up)))
        let value = LatencyHistogram.representative(ofBucket: LatencyHistogram.bucketIndex(of: sorted[rank - 1]))
        return min(max(value, sorted.first!), sorted.last!)
    }

    static let samples: [[UInt64]] = [[2_500], [2_500, 900], [900, 2_500], [7, 7], [2_500, 900, 40_000], [5, 1_000_000, 5, 70, 3]]

    @Test("up to two durations are kept as the extremes; percentiles match counting every bucket", arguments: samples)
    func percentiles(values: [UInt64]) {
        var histogram = LatencyHistogram()
        for value in values { histogram.record(value) }
        for fraction in [0.01, 0.5, 0.9, 0.99, 1] {
            #expect(histogram.percentile(fraction) == Self.referencePercentile(values, fraction), "p\(fraction) of \(values)")
        }
    }

    @Test("merging any split of the durations equals recording them in one histogram", arguments: samples)
    func merges(values: [UInt64]) {
        var combined = LatencyHistogram()
        for value in values { combined.record(value) }
        for split in 0...values.count {
            var first = LatencyHistogram()
            var second = LatencyHistogram()
            for value in values[..<split] { first.record(value) }
            for value in values[split...] { second.record(value) }
            first.merge(second)
            #expect(first == combined, "split at \(split) of \(values)")
            for fraction in [0.5, 0.99] { #expect(first.percentile(fraction) == combined.percentile(fraction)) }
        }
    }

    @Test("a part allocated on first change is shared by copies until one changes it")
    func lazilyAllocated() {
        struct Counter: EmptyInitializable, Sendable, Equatable { var count = 0 }
        var original = LazilyAllocated<Counter>()
        #expect(original.value.count == 0 && original == LazilyAllocated())
        original.value.count += 1
        var copy = original
        copy.value.count += 1
        #expect(original.value.count == 1 && copy.value.count == 2)
        #expect(original != copy)
    }

    @Test("entry keys and page-cache-only entries stay small")
    func sizes() {
        // A histogram and a timeline keep one position inline (8 bytes each) instead of a heap array.
        #expect(MemoryLayout<ReadKey>.stride == 16)
        #expect(MemoryLayout<ReadStats>.stride <= 168)
        #expect(MemoryLayout<IntervalStats>.stride <= 88)
    }
}
