extension DeviceReadCounters {
    /// The kernel's block read counts by device name. The kernel counts a partition's requests
    /// on the partition; diskstats counts them on its disk too, and so does this.
    public static func byName(
        _ counters: [DeviceNumber: DeviceReadCounters], devices: [DeviceHistory.Device],
        topology: BlockDeviceTopology
    ) -> [String: DeviceReadCounters] {
        var byName: [String: DeviceReadCounters] = [:]
        for device in devices {
            let reads = counters[device.device] ?? DeviceReadCounters()
            for name in Set([device.name, topology.disk(of: device.name)]) {
                byName[name] = (byName[name] ?? DeviceReadCounters()) + reads
            }
        }
        return byName
    }

    /// What diskstats counted as read on the device beyond what the block programs saw, when that
    /// is more than a large request completing between the two readings at stop could explain;
    /// nil otherwise. The kernel can leave the completion programs out for some requests (seen on
    /// 6.18 under a loop device, with no recursion miss counted: BENCHMARKS.md). Devices without
    /// requests (device mapper, md) never reach those programs, so a device they saw nothing on
    /// is left alone.
    func unseenBytes(diskstatsReadBytes: UInt64) -> UInt64? {
        guard readIOs > 0, diskstatsReadBytes > readBytes + Self.unseenTolerance else { return nil }
        return diskstatsReadBytes - readBytes
    }

    static let unseenTolerance: UInt64 = 1 << 20

    /// "64M read: 64M for traced processes' files, 4.0K filtered out, 0 unattributed".
    var summary: String {
        "\(TextFormat.bytes(readBytes)) read: \(TextFormat.bytes(attributedBytes)) for traced processes' files, "
            + "\(TextFormat.bytes(filteredBytes)) by processes filtered out, \(TextFormat.bytes(unattributedBytes)) unattributed"
    }
}

/// What one block device completed for reads while readtrace ran, and who caused it.
/// `attributedBytes + filteredBytes + unattributedBytes == readBytes`.
public struct DeviceReadCounters: Sendable, Equatable {
    public var readBytes: UInt64 = 0
    public var readIOs: UInt64 = 0
    /// Caused by traced processes, for a file: the sum of the `block_read_bytes` in `reads`.
    public var attributedBytes: UInt64 = 0
    /// Caused by processes the filters leave out.
    public var filteredBytes: UInt64 = 0
    /// Tied to no file (metadata, swap, raw device), or created before tracing began.
    public var unattributedBytes: UInt64 = 0

    public init(
        readBytes: UInt64 = 0, readIOs: UInt64 = 0, attributedBytes: UInt64 = 0, filteredBytes: UInt64 = 0,
        unattributedBytes: UInt64 = 0
    ) {
        self.readBytes = readBytes
        self.readIOs = readIOs
        self.attributedBytes = attributedBytes
        self.filteredBytes = filteredBytes
        self.unattributedBytes = unattributedBytes
    }

    public static func + (lhs: Self, rhs: Self) -> Self {
        Self(
            readBytes: lhs.readBytes + rhs.readBytes, readIOs: lhs.readIOs + rhs.readIOs,
            attributedBytes: lhs.attributedBytes + rhs.attributedBytes, filteredBytes: lhs.filteredBytes + rhs.filteredBytes,
            unattributedBytes: lhs.unattributedBytes + rhs.unattributedBytes)
    }
}

extension DeviceReadCounters {
    /// What was counted between an earlier reading and this one.
    public func since(_ earlier: Self) -> Self {
        Self(
            readBytes: readBytes &- earlier.readBytes, readIOs: readIOs &- earlier.readIOs,
            attributedBytes: attributedBytes &- earlier.attributedBytes, filteredBytes: filteredBytes &- earlier.filteredBytes,
            unattributedBytes: unattributedBytes &- earlier.unattributedBytes)
    }
}
