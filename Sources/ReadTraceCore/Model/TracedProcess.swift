/// A process with what user space could add to the kernel's description.
public struct TracedProcess: Sendable, Equatable {
    public var record: ProcessRecord
    public var cmdline: String?
    public var cgroupPath: String?

    public init(record: ProcessRecord, cmdline: String? = nil, cgroupPath: String? = nil) {
        self.record = record
        self.cmdline = cmdline
        self.cgroupPath = cgroupPath
    }
}
