/// For each device where several loads overlapped: how much slower each load ran than the
/// fastest one, how long until the last one finished, and how long the device was saturated.
/// The paragraph a user pastes into an incident report.
public enum StormSummary {
    public struct Storm: Sendable {
        public var device: String
        public var loads: Int
        public var mostAtOnce: Int
        public var startSeconds: Double
        public var lastFinishedSeconds: Double
        public var combinedMiBPerSecond: Double
        public var fastestMiBPerSecond: Double
        /// How many times slower than the fastest load each load ran: mean, least, most.
        public var slowdown: (mean: Double, least: Double, most: Double)
        /// Share of the diskstats samples overlapping the storm with the device at 100% util; nil without samples.
        public var saturatedShare: Double?
        public var samples: Int
    }

    /// The device each load read from: its file's, or for an overlay file the one below it.
    static func deviceName(of load: FileLoad, in dump: DumpDocument) -> String? {
        if let name = load.file?.deviceName { return name }
        guard let lower = load.file?.lowerDev else { return nil }
        return dump.devices.first { $0.dev == lower }?.name
    }

    public static func storms(in dump: DumpDocument) -> [Storm] {
        let byDevice = Dictionary(grouping: dump.loads.filter { $0.bytes > 0 }) { deviceName(of: $0, in: dump) ?? "" }
        return byDevice.compactMap { name, deviceLoads -> Storm? in
            func span(_ load: FileLoad) -> (Double, Double) { (load.read.firstReadSeconds, max(load.endSeconds, load.read.firstReadSeconds)) }
            func throughput(_ load: FileLoad) -> Double {
                let (start, end) = span(load)
                return end > start ? Double(load.bytes) / 1_048_576 / (end - start) : 0
            }
            // The storm: loads that ran at the same time as another; the fastest load of all,
            // alone or not, is the yardstick.
            let loads = deviceLoads.filter { load in
                deviceLoads.contains { other in
                    other.read.pid != load.read.pid || other.read.fileID != load.read.fileID
                        ? span(other).0 < span(load).1 && span(load).0 < span(other).1 : false
                }
            }
            guard !name.isEmpty, loads.count > 1 else { return nil }
            let spans = loads.map(span)
            // Most loads running at one moment: sweep over starts and ends.
            var mostAtOnce = 0, running = 0
            for (_, isStart) in (spans.map { ($0.0, 1) } + spans.map { ($0.1, 0) }).sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                running += isStart == 1 ? 1 : -1
                mostAtOnce = max(mostAtOnce, running)
            }
            guard mostAtOnce > 1 else { return nil }
            let start = spans.map(\.0).min() ?? 0, end = spans.map(\.1).max() ?? 0
            let throughputs = loads.map(throughput)
            let fastest = deviceLoads.map(throughput).max() ?? 0
            let slowdowns = throughputs.filter { $0 > 0 }.map { fastest / $0 }
            let total = Double(loads.reduce(0) { $0 + $1.bytes }) / 1_048_576
            let device = dump.devices.first { $0.name == name }
            // A sample covers the time since the one before it.
            let samples = device?.samples ?? []
            let window = samples.indices.filter { index in
                samples[index].seconds > start && (index == 0 ? 0 : samples[index - 1].seconds) < end
            }.map { samples[$0] }
            let saturated = window.filter { $0.utilizationPercent >= 99 }.count
            return Storm(device: name, loads: loads.count, mostAtOnce: mostAtOnce, startSeconds: start, lastFinishedSeconds: end,
                         combinedMiBPerSecond: end > start ? total / (end - start) : 0, fastestMiBPerSecond: fastest,
                         slowdown: (slowdowns.reduce(0, +) / Double(max(slowdowns.count, 1)), slowdowns.min() ?? 1, slowdowns.max() ?? 1),
                         saturatedShare: window.isEmpty ? nil : Double(saturated) / Double(window.count), samples: window.count)
        }.sorted { $0.device < $1.device }
    }

    public static func paragraphs(_ dump: DumpDocument) -> [String] {
        storms(in: dump).map { storm in
            func seconds(_ value: Double) -> String { TextFormat.fixed(value, decimals: 2) + " s" }
            func times(_ value: Double) -> String { TextFormat.fixed(value, decimals: 1) + "×" }
            var text = "\(storm.device): \(storm.loads) loads overlapped (up to \(storm.mostAtOnce) at once) from "
                + "\(seconds(storm.startSeconds)) to \(seconds(storm.lastFinishedSeconds)): the last finished "
                + "\(seconds(storm.lastFinishedSeconds - storm.startSeconds)) after the first began. Together they read "
                + "\(TextFormat.fixed(storm.combinedMiBPerSecond, decimals: 1)) MiB/s, against "
                + "\(TextFormat.fixed(storm.fastestMiBPerSecond, decimals: 1)) MiB/s for the fastest single load: each load ran "
                + "\(times(storm.slowdown.mean)) slower than that on average (\(times(storm.slowdown.least))–\(times(storm.slowdown.most))). "
            if let share = storm.saturatedShare {
                text += "The device was at 100% util for \(TextFormat.fixed(share * 100, decimals: 0))% of that time "
                    + "(\(Int((share * Double(storm.samples)).rounded())) of \(storm.samples) diskstats samples)."
            } else {
                text += "No diskstats sample fell in that window (use a shorter --interval)."
            }
            return text
        }
    }
}
