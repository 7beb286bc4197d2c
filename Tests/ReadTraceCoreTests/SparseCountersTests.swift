import Testing

@testable import ReadTraceCore

@Suite("Sparse counters")
struct SparseCountersTests {
    @Test("one position, then others below and above: the same counts as a dense array")
    func matchesDenseCounts() {
        var sparse = SparseCounters<UInt64>()
        var dense = [UInt64](repeating: 0, count: 20)
        #expect(sparse.indices.isEmpty && sparse[3] == 0)
        for (index, amount) in [(7, 5), (7, 1), (4, 2), (12, 9), (7, 3), (0, 1)] as [(Int, UInt64)] {
            sparse.add(amount, at: index)
            dense[index] += amount
            #expect(sparse.indices.lowerBound == dense.firstIndex { $0 > 0 })
            #expect(sparse.indices.upperBound == dense.lastIndex { $0 > 0 }! + 1)
            #expect((0..<20).map { sparse[$0] } == dense)
        }
    }

    @Test("equal counts compare equal however they were stored")
    func equality() {
        var inline = SparseCounters<UInt32>()
        inline.add(2, at: 5)
        var same = SparseCounters<UInt32>()
        same.add(1, at: 5)
        same.add(1, at: 5)
        #expect(inline == same)
        var spread = inline
        spread.add(1, at: 6)
        #expect(spread != inline && spread[5] == 2 && spread[6] == 1)
    }
}
