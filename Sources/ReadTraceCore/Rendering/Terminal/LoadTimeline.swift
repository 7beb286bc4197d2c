/// Every file load of a run on one time axis, in a terminal: one row per (process, file),
/// shaded by throughput, the pod or container beside it, each device's %util underneath and
/// how many loads overlapped. Rendered from a dump, so a live run and `readtrace report`
/// draw the same picture.
public struct LoadTimeline {
    public var width: Int

    public init(width: Int) { self.width = width }

    static let labelWidth = 44
    /// Throughput shades, faintest first; "·" is a load's span with nothing read.
    static let shades: [Character] = ["░", "▒", "▓", "█"]

    public func render(_ dump: DumpDocument) -> [String] {
        let loads = dump.loads
        guard !loads.isEmpty, dump.durationSeconds > 0 else { return [] }
        let columns = max(10, width - Self.labelWidth - 1)
        let secondsPerColumn = dump.durationSeconds / Double(columns)
        func column(_ seconds: Double) -> Int { min(columns - 1, max(0, Int(seconds / secondsPerColumn))) }

        // Bytes per column for every load, and the busiest column of any load for the shading.
        let bytesByLoad = loads.map { load -> [Double] in
            var bytes = [Double](repeating: 0, count: columns)
            // A bucket's bytes go to the columns it overlaps, in proportion to the overlap
            // (buckets may be wider or narrower than columns, and need not line up with them).
            let series = load.read.timeline
            for (bucket, count) in series.readBytes.enumerated() where count > 0 {
                let start = Double(bucket) * series.bucketSeconds, end = start + series.bucketSeconds
                for index in column(start)...column(end.nextDown) {
                    let overlap = min(end, Double(index + 1) * secondsPerColumn) - max(start, Double(index) * secondsPerColumn)
                    bytes[index] += Double(count) * max(overlap, 0) / series.bucketSeconds
                }
            }
            return bytes
        }
        let busiest = bytesByLoad.flatMap { $0 }.max() ?? 0

        var lines = ["Load timeline: 0s to \(TextFormat.fixed(dump.durationSeconds, decimals: 1))s, "
            + "\(TextFormat.fixed(secondsPerColumn * 1000, decimals: 0)) ms per column; shading: throughput (█ = "
            + "\(TextFormat.bytes(UInt64(busiest / secondsPerColumn)))/s), · = waiting, | = loaded"]
        for (load, bytes) in zip(loads, bytesByLoad) {
            var bar = [Character](repeating: " ", count: columns)
            for index in column(load.read.firstReadSeconds)...column(load.read.lastReadSeconds) {
                bar[index] = bytes[index] > 0 ? Self.shade(bytes[index], of: busiest) : "·"
            }
            if let loadSeconds = load.read.loadSeconds { bar[column(load.read.firstReadSeconds + loadSeconds)] = "|" }
            lines.append(Self.label(load.label, width: Self.labelWidth) + " " + String(bar))
        }
        for device in dump.devices where device.samples.contains(where: { $0.utilizationPercent > 0 }) {
            var bar = [Character](repeating: " ", count: columns)
            var start = 0.0
            for sample in device.samples {
                for index in column(start)...column(sample.seconds) {
                    bar[index] = Self.shade(sample.utilizationPercent, of: 100)
                }
                start = sample.seconds
            }
            lines.append(Self.label("\(device.name) %util (█ = 100%)", width: Self.labelWidth) + " " + String(bar))
        }
        var overlap = [Character](repeating: " ", count: columns)
        for index in 0..<columns {
            let active = loads.filter { column($0.read.firstReadSeconds) <= index && index <= column($0.read.lastReadSeconds) }.count
            overlap[index] = active == 0 ? " " : active > 9 ? "+" : Character("\(active)")
        }
        lines.append(Self.label("loads at once", width: Self.labelWidth) + " " + String(overlap))
        return lines.map { String($0.prefix(width)) }
    }

    /// One of the four shades for `value` against `maximum`; anything above zero shows.
    static func shade(_ value: Double, of maximum: Double) -> Character {
        guard maximum > 0, value > 0 else { return " " }
        return shades[min(shades.count - 1, Int(value / maximum * Double(shades.count)))]
    }

    static func label(_ text: String, width: Int) -> String {
        text.count > width ? String(text.prefix(width - 1)) + "…" : text + String(repeating: " ", count: width - text.count)
    }
}
