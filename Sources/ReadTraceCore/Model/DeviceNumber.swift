/// A device number as the kernel stores it in a superblock (`major << 20 | minor`).
public struct DeviceNumber: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(major: UInt32, minor: UInt32) { rawValue = major << 20 | minor }

    /// From a `stat` st_dev, which glibc encodes another way (gnu_dev_major and gnu_dev_minor).
    public init(userSpace device: UInt64) {
        let major = UInt32(truncatingIfNeeded: (device >> 8) & 0xFFF | (device >> 32) & ~0xFFF)
        let minor = UInt32(truncatingIfNeeded: device & 0xFF | (device >> 12) & ~0xFF)
        self.init(major: major, minor: minor)
    }

    public var major: UInt32 { rawValue >> 20 }
    public var minor: UInt32 { rawValue & 0xFFFFF }
    /// "major:minor", as /proc/diskstats and lsblk show it.
    public var description: String { "\(major):\(minor)" }
}
