/// A (process, file) pair: the unit readtrace reports on.
public struct ReadKey: Hashable, Sendable {
    // In this order the pid fills the file's padding: 16 bytes a key, not 24.
    public var file: FileID
    public var pid: Int32

    public init(pid: Int32, file: FileID) {
        self.pid = pid
        self.file = file
    }
}
