/// Counters indexed by position, storing only the span from the lowest to the highest
/// position used: histograms and timelines touch a narrow range of a wide index space.
/// A single position in use is kept inline: most files' timelines have one bucket, and
/// this keeps their entries free of heap storage.
struct SparseCounters<Count: FixedWidthInteger & Sendable>: Sendable, Equatable {
    /// The lowest position in use; `Int.min` while none is.
    private var firstIndex = Int.min
    /// The count at `firstIndex` while it is the only position used (`counts` is then empty).
    private var onlyCount: Count = 0
    private var counts: [Count] = []

    /// The positions in use, lowest first.
    var indices: Range<Int> {
        if firstIndex == .min { return 0..<0 }
        return firstIndex..<(firstIndex + (counts.isEmpty ? 1 : counts.count))
    }

    subscript(index: Int) -> Count {
        guard indices.contains(index) else { return 0 }
        return counts.isEmpty ? onlyCount : counts[index - firstIndex]
    }

    mutating func add(_ amount: Count, at index: Int) {
        if counts.isEmpty {
            if firstIndex == .min || index == firstIndex {
                firstIndex = index
                onlyCount &+= amount
                return
            }
            counts = [onlyCount]
            onlyCount = 0
        }
        if index < firstIndex {
            counts.insert(contentsOf: repeatElement(0, count: firstIndex - index), at: 0)
            firstIndex = index
        } else if index >= firstIndex + counts.count {
            counts.append(contentsOf: repeatElement(0, count: index - firstIndex - counts.count + 1))
        }
        counts[index - firstIndex] &+= amount
    }
}
