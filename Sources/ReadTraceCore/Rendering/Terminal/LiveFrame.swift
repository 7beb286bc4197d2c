/// What one refresh of the live view saw: its rows and the run's state. Kept by the screen so
/// a paused view can be drawn again, sorted another way or under the help, without new data.
public struct LiveFrame: Sendable {
    /// The header's figures: "elapsed 1m05s  hook fentry  events 12k/s  lost 0".
    var status: String
    var deviceLines: [String]
    /// One per reader and file (grouped as asked), in no order.
    var rows: [ReadRow]
    /// CLOCK_MONOTONIC when the frame was taken: how long each row has been idle.
    var nowNanoseconds: UInt64
    var files: Int
    var processes: Int
    /// The processes of each group row (grouped by pod or container): a group has ended when all have.
    var groupMembers: [String: [Int32]]

    /// Lines the device table takes, with the blank line below it.
    public var deviceLineCount: Int { deviceLines.isEmpty ? 0 : deviceLines.count + 1 }
}
