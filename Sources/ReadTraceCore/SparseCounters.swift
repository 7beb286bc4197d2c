/// Counters indexed by position, storing only the span from the lowest to the highest
/// position used: histograms and timelines touch a narrow range of a wide index space.
struct SparseCounters<Count: FixedWidthInteger & Sendable>: Sendable, Equatable {
    private(set) var firstIndex = 0
    private(set) var counts: [Count] = []

    /// The positions in use, lowest first.
    var indices: Range<Int> { firstIndex..<(firstIndex + counts.count) }

    subscript(index: Int) -> Count { indices.contains(index) ? counts[index - firstIndex] : 0 }

    mutating func add(_ amount: Count, at index: Int) {
        if counts.isEmpty {
            firstIndex = index
            counts = [0]
        } else if index < firstIndex {
            counts.insert(contentsOf: repeatElement(0, count: firstIndex - index), at: 0)
            firstIndex = index
        } else if index >= firstIndex + counts.count {
            counts.append(contentsOf: repeatElement(0, count: index - firstIndex - counts.count + 1))
        }
        counts[index - firstIndex] &+= amount
    }
}
