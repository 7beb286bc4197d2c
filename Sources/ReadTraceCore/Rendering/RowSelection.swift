/// The rows a `RowPolicy` shows out of rows already in their order, and what the rest add up to.
/// The summary, `report`, the load timeline and the HTML tables share it, so each says the same
/// "… N more" for the same policy.
public struct RowSelection<Row> {
    public var shown: [Row]
    public var rest: [Row]

    /// The first `policy.top` rows that read at least `policy.minimumBytes`; `limit` caps
    /// what the policy leaves open (nil: all).
    public init(_ rows: [Row], policy: RowPolicy, limit: Int? = nil, bytes: (Row) -> UInt64) {
        let cap = [policy.top, limit].compactMap { $0 }.min() ?? .max
        var shown: [Row] = [], rest: [Row] = []
        for row in rows {
            if shown.count < cap, bytes(row) >= policy.minimumBytes { shown.append(row) } else { rest.append(row) }
        }
        self.shown = shown
        self.rest = rest
    }

    /// "… 12 more rows: 3.4 MiB" (`noun` plural), nil when nothing was left out.
    public func restLine(_ noun: String, bytes: (Row) -> UInt64) -> String? {
        guard !rest.isEmpty else { return nil }
        return "… \(rest.count) more \(noun): \(TextFormat.mebibytes(rest.reduce(0) { $0 + bytes($1) }))"
    }
}
