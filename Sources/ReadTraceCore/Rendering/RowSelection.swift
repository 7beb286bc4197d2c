/// The rows a `RowPolicy` shows out of rows already in their order, and what the rest add up to.
/// The live view, the summary, `report`, the load timeline and the HTML tables share it, so each
/// says the same "… N more" for the same policy.
public struct RowSelection<Row> {
    public var shown: [Row]
    /// Every other row, in order: cut by `top`, the minimum bytes, the limit or the room, or hidden while idle.
    public var rest: [Row]
    /// How many of `rest` are there only because they were idle.
    public var idle: Int

    /// The first `policy.top` rows that read at least `policy.minimumBytes`.
    /// - Parameters:
    ///   - limit: caps what the policy leaves open (nil: all).
    ///   - room: the most lines the rows and the rest's line take together (a screen's height):
    ///     when anything is left over, its line takes one of them.
    ///   - idleNanoseconds: how long a row has read nothing, for `policy.hideIdleAfter`; nil where
    ///     idleness does not apply (the summary).
    public init(
        _ rows: [Row], policy: RowPolicy, limit: Int? = nil, room: Int? = nil, bytes: (Row) -> UInt64,
        idleNanoseconds: ((Row) -> UInt64)? = nil
    ) {
        func isIdle(_ row: Row) -> Bool {
            guard let idleNanoseconds, let after = policy.hideIdleAfter else { return false }
            return idleNanoseconds(row) >= after.nanoseconds
        }
        let idleRows = rows.map(isIdle)
        let eligible = zip(rows, idleRows).map { !$1 && bytes($0) >= policy.minimumBytes }
        var cap = min([policy.top, limit].compactMap { $0 }.min() ?? .max, eligible.count { $0 })
        if let room, cap > room || (cap == room && cap < rows.count) { cap = max(0, room - 1) }
        var shown: [Row] = []
        var rest: [Row] = []
        var idle = 0
        for (index, row) in rows.enumerated() {
            if eligible[index] && shown.count < cap {
                shown.append(row)
            } else {
                rest.append(row)
                if idleRows[index] { idle += 1 }
            }
        }
        self.shown = shown
        self.rest = rest
        self.idle = idle
    }

    /// "… 12 more rows: 3.4 MiB" (`noun` plural), nil when nothing was left out.
    public func restLine(_ noun: String, bytes: (Row) -> UInt64) -> String? {
        guard !rest.isEmpty else { return nil }
        return "… \(rest.count) more \(noun): \(TextFormat.mebibytes(rest.reduce(0) { $0 + bytes($1) }))"
    }
}
