import Glibc

/// Which block devices are partitions, and of which disk, from /sys/class/block.
public struct BlockDeviceTopology: Sendable, Equatable {
    /// Partition name → the disk it is on ("vda1" → "vda").
    public var diskOfPartition: [String: String]

    public init(diskOfPartition: [String: String] = [:]) { self.diskOfPartition = diskOfPartition }

    /// Reads /sys/class/block: a partition has a `partition` file, and its sysfs directory
    /// sits inside its disk's.
    public static func read(sysClassBlock: String = "/sys/class/block", names: [String]) -> BlockDeviceTopology {
        var topology = BlockDeviceTopology()
        for name in names where access(sysClassBlock + "/" + name + "/partition", F_OK) == 0 {
            guard let resolved = realpath(sysClassBlock + "/" + name, nil) else { continue }
            defer { free(resolved) }
            let components = String(cString: resolved).split(separator: "/")
            if components.count >= 2 { topology.diskOfPartition[name] = String(components[components.count - 2]) }
        }
        return topology
    }

    /// The whole disk a device belongs to: itself unless it is a partition.
    public func disk(of name: String) -> String { diskOfPartition[name] ?? name }
}
