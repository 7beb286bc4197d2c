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

/// Which devices the live view shows.
public enum DeviceSelection: Sendable, Equatable {
    /// Devices holding the files traced so far.
    case auto
    /// Every device that did IO in the interval.
    case all
    case named([String])

    public init?(parsing text: String) {
        switch text {
        case "auto": self = .auto
        case "all": self = .all
        default:
            let names = text.split(separator: ",").map(String.init)
            guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && !$0.contains("/") }) else { return nil }
            self = .named(names)
        }
    }
}

/// One device's figures for one interval, as the dump records them.
public struct DeviceSample: Sendable, Equatable {
    /// End of the interval, seconds since tracing started.
    public var seconds: Double
    public var rates: DiskRates
}

/// /proc/diskstats sampled once per interval over a run: per-device rates for each
/// interval, and totals from the first to the last sample.
public struct DeviceHistory: Sendable {
    public struct Device: Sendable, Equatable {
        public var name: String
        public var device: DeviceNumber
        public var first: DiskCounters
        public var last: DiskCounters
        public var firstNanoseconds: UInt64
        public var lastNanoseconds: UInt64
        public var samples: [DeviceSample] = []
        /// The rates of the latest interval; nil when the device did not exist before it.
        public var latest: DiskRates?

        /// From the first to the last sample.
        public var totals: DiskRates {
            DiskRates(from: first, to: last, seconds: Double(lastNanoseconds - firstNanoseconds) / 1e9)
        }
    }

    public let startNanoseconds: UInt64
    public private(set) var devices: [Device] = []
    public private(set) var skippedLines = 0
    private var indexByName: [String: Int] = [:]

    public init(startNanoseconds: UInt64) { self.startNanoseconds = startNanoseconds }

    /// Adds a snapshot: devices seen before get this interval's rates, new ones start here,
    /// and devices that disappeared keep what they had.
    public mutating func record(_ snapshot: DiskStatsSnapshot) {
        skippedLines += snapshot.skippedLines
        for index in devices.indices { devices[index].latest = nil }
        for entry in snapshot.entries {
            guard let index = indexByName[entry.name], devices[index].device == entry.device else {
                indexByName[entry.name] = devices.count
                devices.append(Device(name: entry.name, device: entry.device, first: entry.counters, last: entry.counters,
                                      firstNanoseconds: snapshot.nanoseconds, lastNanoseconds: snapshot.nanoseconds))
                continue
            }
            let seconds = Double(snapshot.nanoseconds - devices[index].lastNanoseconds) / 1e9
            guard seconds > 0 else { continue }
            let rates = DiskRates(from: devices[index].last, to: entry.counters, seconds: seconds)
            devices[index].latest = rates
            devices[index].samples.append(DeviceSample(seconds: Double(snapshot.nanoseconds &- startNanoseconds) / 1e9, rates: rates))
            devices[index].last = entry.counters
            devices[index].lastNanoseconds = snapshot.nanoseconds
        }
    }

    /// The device with this number, if /proc/diskstats lists it.
    public func device(numbered number: DeviceNumber) -> Device? {
        devices.first { $0.device == number }
    }
}
