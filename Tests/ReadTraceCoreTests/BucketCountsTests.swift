import Testing

@testable import ReadTraceCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A timeline's buckets, held from the first count to the last: the same array to every reader and writer.
@Suite struct BucketCountsTests {
    @Test("the empty buckets around the counts read as zeros, are written out, and a delay adds empty ones first")
    func emptyBucketsAreImplied() throws {
        let counts = BucketCounts([0, 0, 3, 0, 5, 0])
        #expect(Array(counts) == [0, 0, 3, 0, 5, 0])
        #expect(counts.occupied.start == 2 && counts.occupied.counts == [3, 0, 5])
        #expect(Array(counts.delayed(by: 3)) == [0, 0, 0, 0, 0, 3, 0, 5, 0])
        #expect(counts.delayed(by: 3) == BucketCounts([0, 0, 0, 0, 0, 3, 0, 5, 0]))
        #expect(Array(BucketCounts([0, 0]).delayed(by: 2)) == [0, 0, 0, 0])
        #expect(BucketCounts([]).isEmpty && BucketCounts([0]).count == 1)
        let encoded = try JSONEncoder().encode(counts.delayed(by: 1))
        #expect(String(decoding: encoded, as: UTF8.self) == "[0,0,0,3,0,5,0]")
        #expect(try JSONDecoder().decode(BucketCounts.self, from: encoded) == counts.delayed(by: 1))
        #expect(try JSONBytesDecoder.decode(BucketCounts.self, from: Array(encoded)) == counts.delayed(by: 1))
    }

    @Test(
        "a builder fed the buckets one at a time holds what the whole array gives",
        arguments: [[], [0], [0, 0, 0], [7], [0, 0, 3, 0, 5, 0], [1, 0, 0, 2], [0, 4, 0, 0], [9, 9, 9]] as [[UInt64]])
    func builderMatchesArray(all: [UInt64]) {
        var builder = BucketCounts.Builder()
        for count in all { builder.append(count) }
        let built = builder.counts
        #expect(built == BucketCounts(all))
        #expect(Array(built) == all)
        #expect(built.occupied.start == BucketCounts(all).occupied.start && built.occupied.counts == BucketCounts(all).occupied.counts)
    }
}
