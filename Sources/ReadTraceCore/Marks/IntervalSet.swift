/// Disjoint, sorted half-open time intervals [start, end) in nanoseconds: the time a process
/// spent in some kind of call, however many of its threads were in one at once.
public struct IntervalSet: Sendable, Equatable {
    public private(set) var intervals: [Range<UInt64>]

    /// The union of `ranges`, in any order, overlapping or not; empty ranges are dropped.
    public init(_ ranges: some Sequence<Range<UInt64>>) {
        var merged: [Range<UInt64>] = []
        for range in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        intervals = merged
    }

    /// Total nanoseconds covered.
    public var measure: UInt64 { intervals.reduce(0) { $0 + UInt64($1.count) } }

    public func union(_ other: IntervalSet) -> IntervalSet { IntervalSet(intervals + other.intervals) }

    public func intersection(_ other: IntervalSet) -> IntervalSet {
        var result: [Range<UInt64>] = []
        var (left, right) = (0, 0)
        while left < intervals.count, right < other.intervals.count {
            let a = intervals[left]
            let b = other.intervals[right]
            let overlap = max(a.lowerBound, b.lowerBound)..<max(max(a.lowerBound, b.lowerBound), min(a.upperBound, b.upperBound))
            if !overlap.isEmpty { result.append(overlap) }
            if a.upperBound < b.upperBound { left += 1 } else { right += 1 }
        }
        return IntervalSet(result)
    }

    /// What is covered here and not in `other`.
    public func subtracting(_ other: IntervalSet) -> IntervalSet {
        IntervalSet(
            ranges: intervals.flatMap { interval in
                other.intersection(IntervalSet([interval])).intervals.reduce(into: [interval]) { pieces, hole in
                    guard let last = pieces.popLast() else { return }
                    pieces += [last.lowerBound..<hole.lowerBound, hole.upperBound..<last.upperBound].filter { !$0.isEmpty }
                }
            })
    }

    private init(ranges: [Range<UInt64>]) { intervals = ranges }
}
