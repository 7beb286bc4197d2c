/// Splits each marked process's time into reads, marked phases and neither, and draws the
/// dump's `marks` from the aggregate.
public enum PhaseAnalysis {
    /// The dump's spans, in the order they started.
    static func marks(of aggregate: TraceAggregate, markers: [MarkSpec]) -> [DumpDocument.Mark] {
        aggregate.marks.filter { markers.indices.contains($0.mark) }.sorted {
            ($0.startNanoseconds, $0.threadID) < ($1.startNanoseconds, $1.threadID)
        }
        .map { mark in
            DumpDocument.Mark(
                name: markers[mark.mark].name, pid: mark.pid, tid: mark.threadID,
                startSeconds: DumpDocument.seconds(mark.startNanoseconds, since: aggregate.startNanoseconds),
                durationSeconds: DumpDocument.rounded(Double(mark.endNanoseconds - mark.startNanoseconds) / 1e9, decimals: 6),
                bytes: mark.bytes)
        }
    }

    /// A breakdown for every process with a marked span, by pid.
    static func breakdowns(of aggregate: TraceAggregate, markers: [MarkSpec]) -> [DumpDocument.PhaseBreakdown] {
        var spansByProcess: [Int32: [MarkRecord]] = [:]
        for mark in aggregate.marks where markers.indices.contains(mark.mark) { spansByProcess[mark.pid, default: []].append(mark) }
        return spansByProcess.keys.sorted().map { pid in
            breakdown(
                pid: pid, spans: spansByProcess[pid] ?? [], callTimes: aggregate.callTimes[pid] ?? TraceAggregate.CallTimes(),
                markerNames: markers.map(\.name), since: aggregate.startNanoseconds)
        }
    }

    /// One process's breakdown: its window runs from its first traced call's start to its last
    /// one's end; within it, read time first, then each marker in order, then neither.
    static func breakdown(
        pid: Int32, spans: [MarkRecord], callTimes: TraceAggregate.CallTimes, markerNames: [String], since start: UInt64
    ) -> DumpDocument.PhaseBreakdown {
        let reads = IntervalSet(callTimes.reads)
        let spanRanges = spans.map { $0.startNanoseconds..<$0.endNanoseconds }
        let bounds = (reads.intervals + spanRanges)
        let windowStart = bounds.map(\.lowerBound).min() ?? start
        let windowEnd = bounds.map(\.upperBound).max() ?? windowStart
        let device = reads.intersection(IntervalSet(callTimes.deviceRequests))
        var covered = reads
        var phases: [DumpDocument.PhaseBreakdown.Phase] = []
        for (index, name) in markerNames.enumerated() {
            let phase = IntervalSet(spans.filter { $0.mark == index }.map { $0.startNanoseconds..<$0.endNanoseconds })
            phases.append(.init(name: name, seconds: seconds(phase.subtracting(covered).measure)))
            covered = covered.union(phase)
        }
        return DumpDocument.PhaseBreakdown(
            pid: pid, windowStartSeconds: DumpDocument.seconds(windowStart, since: start),
            windowSeconds: seconds(windowEnd - windowStart), readSeconds: seconds(reads.measure),
            deviceWaitSeconds: seconds(device.measure), phases: phases,
            neitherSeconds: seconds(windowEnd - windowStart - covered.measure))
    }

    private static func seconds(_ nanoseconds: UInt64) -> Double { DumpDocument.rounded(Double(nanoseconds) / 1e9, decimals: 6) }

    /// Whether the disk was what the marked processes waited on most, with the shares behind it:
    /// waiting on the device, the rest of the read time, each phase and neither, summed over processes.
    public struct Verdict: Sendable, Equatable {
        public var windowSeconds: Double
        public var deviceWaitSeconds: Double
        public var otherReadSeconds: Double
        public var phases: [DumpDocument.PhaseBreakdown.Phase]
        public var neitherSeconds: Double
        public var processes: Int

        /// The disk was the bottleneck when waiting on it took more of the time than any other part.
        public var diskWasBottleneck: Bool {
            deviceWaitSeconds > 0 && deviceWaitSeconds >= ([otherReadSeconds, neitherSeconds] + phases.map(\.seconds)).max() ?? 0
        }
    }

    public static func verdict(_ breakdowns: [DumpDocument.PhaseBreakdown]) -> Verdict? {
        guard let first = breakdowns.first else { return nil }
        var phases = first.phases.map { DumpDocument.PhaseBreakdown.Phase(name: $0.name, seconds: 0) }
        for breakdown in breakdowns {
            for (index, phase) in breakdown.phases.enumerated() where phases.indices.contains(index) {
                phases[index].seconds += phase.seconds
            }
        }
        return Verdict(
            windowSeconds: breakdowns.map(\.windowSeconds).reduce(0, +),
            deviceWaitSeconds: breakdowns.map(\.deviceWaitSeconds).reduce(0, +),
            otherReadSeconds: breakdowns.map { $0.readSeconds - $0.deviceWaitSeconds }.reduce(0, +), phases: phases,
            neitherSeconds: breakdowns.map(\.neitherSeconds).reduce(0, +), processes: breakdowns.count)
    }
}
