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

/// Device lines in the style of `iostat -x`, shown above the per-file table.
enum DeviceTable {
    static let header = "DEVICE          r/s   rMB/s r_await     w/s   wMB/s w_await  aqu-sz  %util"

    static func line(name: String, rates: DiskRates?) -> String {
        let padded = name.count >= 12 ? String(name.prefix(12)) : name + String(repeating: " ", count: 12 - name.count)
        guard let rates else { return padded + "  (no sample yet)" }
        let cells = [rates.readIOsPerSecond, rates.readMiBPerSecond, rates.readAwaitMilliseconds,
                     rates.writeIOsPerSecond, rates.writeMiBPerSecond, rates.writeAwaitMilliseconds,
                     rates.queueDepth, rates.utilizationPercent].map { TextFormat.fixed($0, decimals: 2) }
        return padded + cells.map { String(repeating: " ", count: max(0, 8 - $0.count)) + $0 }.joined()
    }

    /// The header and one line per device, each cut to `width`.
    static func lines(_ devices: [(name: String, rates: DiskRates?)], width: Int) -> [String] {
        guard !devices.isEmpty else { return [] }
        return ([header] + devices.map { line(name: $0.name, rates: $0.rates) }).map { String($0.prefix(width)) }
    }
}

extension TraceAggregate {
    /// The filesystems (by device number) of the files shown under `filter`, and of the files
    /// below those read through an overlay.
    func fileDevices(shownBy filter: PathFilter) -> Set<DeviceNumber> {
        let shown = reads.keys.map(\.file).filter { isShown($0, by: filter) }
        return Set(shown.map(\.device) + shown.compactMap { lowerFiles[$0]?.device })
    }
}

extension DeviceReadCounters {
    /// The kernel's block read counts by device name. The kernel counts a partition's requests
    /// on the partition; diskstats counts them on its disk too, and so does this.
    public static func byName(_ counters: [DeviceNumber: DeviceReadCounters], devices: [DeviceHistory.Device],
                              topology: BlockDeviceTopology) -> [String: DeviceReadCounters] {
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
