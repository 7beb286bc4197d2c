/// Which rows a table shows: the first `top` by the sort key that read at least `minimumBytes`;
/// the rest are summed in one line. The live view, the summary and `report` share it.
public struct RowPolicy: Sendable, Equatable {
    /// At most this many rows; nil: as many as fit (the live view) or all (the summary, `report`).
    public var top: Int?
    /// Rows that read less than this are summed with the rest.
    public var minimumBytes: UInt64
    /// The live view hides a row that has read nothing for this long, until it reads again.
    public var hideIdleAfter: TimeSpan?

    /// Rows of the summary and `report` when `top` is not given: a node's hundreds of small files
    /// would otherwise bury the few that matter.
    public static let defaultTableRows = 25

    /// The cap tables without a screen put on what the policy leaves open.
    public var tableLimit: Int? { top == nil ? Self.defaultTableRows : nil }

    public init(top: Int? = nil, minimumBytes: UInt64 = 0, hideIdleAfter: TimeSpan? = nil) {
        self.top = top
        self.minimumBytes = minimumBytes
        self.hideIdleAfter = hideIdleAfter
    }
}
