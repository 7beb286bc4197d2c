/// A process described by the kernel the first time it read a traced file.
public struct ProcessRecord: Sendable, Equatable {
    public var pid: Int32
    public var parentPid: Int32
    public var cgroupID: UInt64
    public var comm: String
    /// The command line as the kernel copied it (arguments joined by spaces), nil if it could not;
    /// `cmdlineComplete` is false when it was cut short.
    public var cmdline: String?
    public var cmdlineComplete: Bool

    public init(
        pid: Int32, parentPid: Int32, cgroupID: UInt64, comm: String, cmdline: String? = nil,
        cmdlineComplete: Bool = true
    ) {
        self.pid = pid
        self.parentPid = parentPid
        self.cgroupID = cgroupID
        self.comm = comm
        self.cmdline = cmdline
        self.cmdlineComplete = cmdlineComplete
    }

    /// Joins NUL-separated arguments (as in /proc/PID/cmdline) with spaces.
    public static func cmdline(fromNulSeparated bytes: some Collection<UInt8>) -> String? {
        let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false)
        let trimmed = arguments.last?.isEmpty == true ? arguments.dropLast() : arguments[...]
        guard !trimmed.isEmpty else { return nil }
        return trimmed.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }
}
