/// A file as the kernel identifies it: its filesystem's device and its inode number.
public struct FileID: Hashable, Sendable {
    // The inode first leaves the 4 bytes after the device free for the pid of a `ReadKey`.
    public var inode: UInt64
    public var device: DeviceNumber

    public init(device: DeviceNumber, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}
