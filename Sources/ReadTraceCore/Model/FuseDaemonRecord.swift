/// A process serving a FUSE filesystem that a traced process reads: its own reads (of the files
/// behind the filesystem) are traced from then on, whatever the filters.
public struct FuseDaemonRecord: Sendable, Hashable {
    public var pid: Int32
    /// The FUSE filesystem, by its device number (that of every file in it).
    public var filesystem: DeviceNumber

    public init(pid: Int32, filesystem: DeviceNumber) {
        self.pid = pid
        self.filesystem = filesystem
    }
}
