/// How many loads were in progress at each moment: a step function over the loads' spans. The
/// storm summary's "up to N at once" and the timeline's loads-at-once track both read it, so
/// they cannot disagree.
public struct LoadConcurrency: Sendable {
    /// An interval over which the count stays the same.
    public struct Step: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var count: Int
    }

    /// Consecutive steps from the first start to the last end, zero-count gaps included.
    public let steps: [Step]

    /// A load is in progress over [start, end): one that starts as another ends does not overlap it.
    public init(spans: [ClosedRange<Double>]) {
        let changes = spans.flatMap { [($0.lowerBound, 1), ($0.upperBound, -1)] }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var steps: [Step] = []
        var running = 0
        for (index, (time, change)) in changes.enumerated() {
            running += change
            if index + 1 < changes.count, changes[index + 1].0 > time {
                steps.append(Step(start: time, end: changes[index + 1].0, count: running))
            }
        }
        self.steps = steps
    }

    /// The most loads at once, and the first step where that many ran; nil without any.
    public var peak: Step? {
        steps.reduce(nil) { best, step in step.count > (best?.count ?? 0) ? step : best }
    }

    /// The fewest and the most loads in progress at any moment of [start, end).
    public func counts(from start: Double, to end: Double) -> ClosedRange<Int> {
        let inside = steps.filter { $0.start < end && start < $0.end }
        let covered = inside.first.map { $0.start <= start } == true && inside.last.map { $0.end >= end } == true
        let counts = inside.map(\.count)
        return (covered ? counts.min() ?? 0 : 0)...(counts.max() ?? 0)
    }
}
