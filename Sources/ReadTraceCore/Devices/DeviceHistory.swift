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
                devices.append(
                    Device(
                        name: entry.name, device: entry.device, first: entry.counters, last: entry.counters,
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

extension DeviceHistory {
    /// The devices `selection` picks: for `.auto` those holding `files`, for `.all` those that did
    /// IO (in the latest interval when `latestOnly`, else over the run), or the named ones.
    public func devices(_ selection: DeviceSelection, holding files: Set<DeviceNumber>, latestOnly: Bool) -> [Device] {
        devices.filter { device in
            switch selection {
            case .auto: files.contains(device.device)
            case .all: latestOnly ? device.latest?.hadIO == true : device.totals.hadIO
            case .named(let names): names.contains(device.name)
            }
        }
    }
}
