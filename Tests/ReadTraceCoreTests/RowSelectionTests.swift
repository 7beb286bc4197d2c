import Testing

@testable import ReadTraceCore

@Suite("Row policy: which rows a table shows and what is summed")
struct RowSelectionTests {
    /// Row n read n KiB and has been idle n seconds; rows come in descending byte order.
    static let rows = Array((1...10).reversed())
    static func select(_ policy: RowPolicy, room: Int? = nil) -> RowSelection<Int> {
        RowSelection(
            rows, policy: policy, room: room, bytes: { UInt64($0) << 10 },
            idleNanoseconds: { UInt64($0) * 1_000_000_000 })
    }

    @Test("without a policy or a room every row is shown")
    func everything() {
        let selection = Self.select(RowPolicy())
        #expect(selection.shown == Self.rows && selection.rest.isEmpty && selection.idle == 0)
    }

    @Test("--top keeps the first rows in display order and leaves the rest, in order, to be summed")
    func top() {
        let selection = Self.select(RowPolicy(top: 3))
        #expect(selection.shown == [10, 9, 8])
        #expect(selection.rest == [7, 6, 5, 4, 3, 2, 1])
        #expect(selection.rest.reduce(0) { $0 + ($1 << 10) } == 28 << 10, "the summed line's bytes are exact")
    }

    @Test("--min-bytes sums rows that read less than the minimum, wherever they are")
    func minimumBytes() {
        let selection = RowSelection([1, 9, 2, 8], policy: RowPolicy(minimumBytes: 5 << 10), bytes: { UInt64($0) << 10 })
        #expect(selection.shown == [9, 8] && selection.rest == [1, 2] && selection.idle == 0)
    }

    @Test("--hide-idle hides rows idle for at least that long, and counts them")
    func hideIdle() {
        let selection = Self.select(RowPolicy(hideIdleAfter: TimeSpan(seconds: 4)))
        #expect(selection.shown == [3, 2, 1])
        #expect(selection.rest.count == 7 && selection.idle == 7)
        #expect(
            RowSelection([10, 1], policy: RowPolicy(hideIdleAfter: TimeSpan(seconds: 4)), bytes: { _ in 0 }).idle == 0,
            "without idle times (the summary) nothing is idle")
    }

    @Test("a room fits the shown rows and the rest's line; rows that fit exactly need no rest line")
    func room() {
        let cut = Self.select(RowPolicy(), room: 4)
        #expect(cut.shown == [10, 9, 8] && cut.rest.count == 7, "three rows and the line for the other seven")
        #expect(Self.select(RowPolicy(), room: 10).shown.count == 10, "all ten fit exactly")
        #expect(Self.select(RowPolicy(top: 2), room: 4).shown == [10, 9], "--top below the room")
        #expect(Self.select(RowPolicy(top: 3), room: 3).shown == [10, 9], "--top at the room still leaves the rest a line")
        #expect(Self.select(RowPolicy(), room: 1).shown.isEmpty, "only the rest's line fits")
    }
}
