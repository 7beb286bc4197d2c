/// For each device where loads overlapped: how many at once, how long until the last one
/// finished, what share of the device each got, how long the device was saturated, and, only
/// against a reference that means something (`StormReference`), how much slower each ran.
/// The paragraph a user pastes into an incident report.
public enum StormSummary {
    /// Samples at or above this %util count as saturated (iostat's 100% is rarely reached exactly).
    public static let saturatedUtilizationPercent = 90.0

    public struct Storm: Sendable {
        public var device: String
        /// The loads that overlapped another, in the order they started.
        public var loads: [FileLoad]
        /// The most loads at once, and when that many first ran.
        public var mostAtOnce: Int
        public var mostAtOnceSeconds: Double
        public var startSeconds: Double
        public var lastFinishedSeconds: Double
        public var combinedMiBPerSecond: Double
        public var reference: StormReference?
        /// Diskstats samples overlapping the storm, and those at or above the saturation threshold.
        public var samples: Int
        public var saturatedSamples: Int
        public var peakUtilizationPercent: Double?

        /// How many times slower than its reference each load ran: mean, least, most; nil
        /// without a reference.
        public var slowdown: (mean: Double, least: Double, most: Double)? {
            let ratios = loads.compactMap { load -> Double? in
                guard let alone = reference?.mebibytesPerSecond(for: load), load.mebibytesPerSecond > 0 else { return nil }
                return alone / load.mebibytesPerSecond
            }
            guard let least = ratios.min(), let most = ratios.max() else { return nil }
            return (ratios.reduce(0, +) / Double(ratios.count), least, most)
        }
    }

    /// The storms among the loads the rule counts, by device name. `loads`: the dump's counted
    /// loads, when the caller has them already.
    public static func storms(in dump: DumpDocument, loads: [FileLoad]? = nil, rule: LoadRule) -> [Storm] {
        let byDevice = Dictionary(grouping: (loads ?? dump.loads(countedBy: rule)).filter { $0.deviceName != nil }) { $0.deviceName ?? "" }
        return byDevice.compactMap { name, deviceLoads in
            storm(on: name, of: deviceLoads, device: dump.devices.first { $0.name == name })
        }.sorted { $0.device < $1.device }
    }

    /// The storm among one device's loads (in start order), if any overlapped.
    static func storm(on name: String, of deviceLoads: [FileLoad], device: DumpDocument.Device?) -> Storm? {
        let concurrency = LoadConcurrency(spans: deviceLoads.map(\.span))
        guard let peak = concurrency.peak, peak.count > 1 else { return nil }
        let overlapsAnother = overlapping(deviceLoads.map(\.span))
        let members = deviceLoads.indices.filter { overlapsAnother[$0] }.map { deviceLoads[$0] }
        let solo = deviceLoads.indices.filter { !overlapsAnother[$0] }.map { deviceLoads[$0] }
        let start = members.map(\.span.lowerBound).min() ?? 0
        let end = members.map(\.span.upperBound).max() ?? 0
        let total = Double(members.reduce(0) { $0 + $1.bytes }) / 1_048_576
        let combined = end > start ? total / (end - start) : 0
        // A sample covers the time since the one before it.
        let samples = device?.samples ?? []
        let windows = samples.indices.map { (start: $0 == 0 ? 0 : samples[$0 - 1].seconds, sample: samples[$0]) }
        let stormWindows = windows.filter { $0.sample.seconds > start && $0.start < end }
        return Storm(
            device: name, loads: members, mostAtOnce: peak.count, mostAtOnceSeconds: peak.start,
            startSeconds: start, lastFinishedSeconds: end,
            combinedMiBPerSecond: combined,
            reference: sameFilesAlone(members, solo: solo, before: start)
                ?? loadAlone(solo, before: start, combinedMiBPerSecond: combined) ?? deviceAlone(windows, concurrency: concurrency),
            samples: stormWindows.count,
            saturatedSamples: stormWindows.filter { $0.sample.utilizationPercent >= saturatedUtilizationPercent }.count,
            peakUtilizationPercent: stormWindows.map(\.sample.utilizationPercent).max())
    }

    /// For each span, whether another overlaps it (starts before it ends and ends after it starts):
    /// in start order, the latest end among the spans that start before this one ends, itself
    /// excepted; n log n, where comparing every pair took most of `report`'s time on a busy node.
    static func overlapping(_ spans: [ClosedRange<Double>]) -> [Bool] {
        let order = spans.indices.sorted { spans[$0].lowerBound < spans[$1].lowerBound }
        let starts = order.map { spans[$0].lowerBound }
        // Over order[0...k]: the latest end and the index that has it, and the latest end of the others.
        var latest: [(end: Double, index: Int, runnerUp: Double)] = []
        for index in order {
            let end = spans[index].upperBound
            guard let last = latest.last else {
                latest.append((end, index, -.infinity))
                continue
            }
            latest.append(end > last.end ? (end, index, last.end) : (last.end, last.index, max(last.runnerUp, end)))
        }
        return spans.indices.map { index in
            let span = spans[index]
            // How many spans start before this one ends.
            var low = 0
            var high = starts.count
            while low < high {
                let middle = (low + high) / 2
                if starts[middle] < span.upperBound { low = middle + 1 } else { high = middle }
            }
            guard low > 0 else { return false }
            let best = latest[low - 1]
            return (best.index == index ? best.runnerUp : best.end) > span.lowerBound
        }
    }

    /// Each storm file's latest solo load that ended before the storm began, if every file has one.
    static func sameFilesAlone(_ members: [FileLoad], solo: [FileLoad], before start: Double) -> StormReference? {
        var byFile: [Int: Double] = [:]
        for load in solo where load.span.upperBound <= start && load.mebibytesPerSecond > 0 {
            byFile[load.read.fileID] = load.mebibytesPerSecond  // solo is in start order: the latest wins
        }
        return members.allSatisfy({ byFile[$0.read.fileID] != nil }) ? .sameFilesAlone(mebibytesPerSecond: byFile) : nil
    }

    /// The latest solo load that ended before the storm began, if it read at least
    /// `loadAloneShare` of what the storm's loads read together.
    static func loadAlone(_ solo: [FileLoad], before start: Double, combinedMiBPerSecond: Double) -> StormReference? {
        solo.filter { $0.span.upperBound <= start }.max { $0.span.upperBound < $1.span.upperBound }
            .flatMap { load in
                guard load.mebibytesPerSecond > 0, load.mebibytesPerSecond >= combinedMiBPerSecond * loadAloneShare else { return nil }
                return .loadAlone(mebibytesPerSecond: load.mebibytesPerSecond, label: load.label)
            }
    }

    /// A solo load within 10% of the storm's combined throughput had the same bandwidth (two
    /// runs against one cap differ by a few percent).
    static let loadAloneShare = 0.9

    /// The fastest device read in a sample window wholly inside one solo load, the device saturated.
    static func deviceAlone(
        _ windows: [(start: Double, sample: DumpDocument.Device.Sample)],
        concurrency: LoadConcurrency
    ) -> StormReference? {
        windows.filter { window in
            window.sample.utilizationPercent >= saturatedUtilizationPercent
                && concurrency.counts(from: window.start, to: window.sample.seconds) == 1...1
        }
        .max { $0.sample.readMiBPerSecond < $1.sample.readMiBPerSecond }
        .map { .deviceAlone(mebibytesPerSecond: $0.sample.readMiBPerSecond, sampleSeconds: $0.sample.seconds) }
    }

    /// The rule that chose the loads, said once above the paragraphs.
    public static func heading(_ rule: LoadRule) -> String {
        "Storm summary (loads: \(rule.shortDescription); saturated: at or above "
            + "\(TextFormat.fixed(saturatedUtilizationPercent, decimals: 0))% util)"
    }

    /// The heading and a paragraph per storm; a line saying there was none when loads never
    /// overlapped. `loads`: the dump's counted loads, when the caller has them already.
    public static func paragraphs(_ dump: DumpDocument, loads: [FileLoad]? = nil, rule: LoadRule) -> [String] {
        let counted = loads ?? dump.loads(countedBy: rule)
        guard !counted.isEmpty else { return [] }
        let storms = storms(in: dump, loads: counted, rule: rule)
        guard !storms.isEmpty else { return [heading(rule) + ": no two loads overlapped on one device."] }
        return [heading(rule) + ":"] + storms.map(paragraph)
    }

    /// Loads named in a paragraph; the rest are counted.
    static let namedLoads = 6

    static func paragraph(_ storm: Storm) -> String {
        func seconds(_ value: Double) -> String { TextFormat.fixed(value, decimals: 2) + " s" }
        func times(_ slowdown: (mean: Double, least: Double, most: Double)) -> String {
            TextFormat.fixed(slowdown.mean, decimals: 1) + "× slower"
                + (TextFormat.range(slowdown.least, slowdown.most, decimals: 1).contains("–")
                    ? " on average (\(TextFormat.range(slowdown.least, slowdown.most, decimals: 1))×)" : "")
        }
        func rate(_ value: Double) -> String { TextFormat.mebibytesPerSecond(value) }
        let rates = storm.loads.map(\.mebibytesPerSecond)
        let least = rates.min() ?? 0
        let most = rates.max() ?? 0
        // Each named load's own slowdown beside its size, where there is a reference.
        let named = storm.loads.prefix(namedLoads).map { load in
            let slowdown = storm.reference?.mebibytesPerSecond(for: load).flatMap { alone in
                load.mebibytesPerSecond > 0 ? ", \(TextFormat.fixed(alone / load.mebibytesPerSecond, decimals: 1))× slower" : nil
            }
            return "\(load.label) (\(TextFormat.mebibytes(load.bytes))\(slowdown ?? ""))"
        }
        var text =
            "\(storm.device): \(storm.loads.count) loads overlapped from \(seconds(storm.startSeconds)) to "
            + "\(seconds(storm.lastFinishedSeconds)), up to \(storm.mostAtOnce) at once (first at \(seconds(storm.mostAtOnceSeconds))): "
            + "the last finished \(seconds(storm.lastFinishedSeconds - storm.startSeconds)) after the first began. "
            + "Loads: " + named.joined(separator: ", ")
            + (storm.loads.count > namedLoads ? " and \(storm.loads.count - namedLoads) more. " : ". ")
            + "Together they read \(rate(storm.combinedMiBPerSecond)); each read \(TextFormat.range(least, most, decimals: 1)) MiB/s"
        if storm.combinedMiBPerSecond > 0 {
            text +=
                " (\(TextFormat.range(least / storm.combinedMiBPerSecond * 100, most / storm.combinedMiBPerSecond * 100, decimals: 0))% of that)"
        }
        text += ". "
        if let peak = storm.peakUtilizationPercent {
            text +=
                "\(storm.device) was at or above \(TextFormat.fixed(saturatedUtilizationPercent, decimals: 0))% util in "
                + "\(storm.saturatedSamples) of \(storm.samples) diskstats samples in that time "
                + "(\(TextFormat.fixed(Double(storm.saturatedSamples) / Double(storm.samples) * 100, decimals: 0))%; "
                + "peak \(TextFormat.fixed(peak, decimals: 1))%). "
        } else {
            text += "No diskstats sample fell in that window (use a shorter --interval). "
        }
        switch (storm.reference, storm.slowdown) {
        case (.sameFilesAlone(let byFile)?, let slowdown?):
            let alone = storm.loads.compactMap { byFile[$0.read.fileID] }
            text +=
                "The same files loaded alone earlier in the run read \(TextFormat.range(alone.min() ?? 0, alone.max() ?? 0, decimals: 1)) MiB/s: "
                + "each load ran \(times(slowdown)) than its file alone."
        case (.loadAlone(let alone, let label)?, let slowdown?):
            text += "Alone earlier in the run, \(label) read \(rate(alone)): each load ran \(times(slowdown)) than that."
        case (.deviceAlone(let alone, let sampleSeconds)?, let slowdown?):
            text +=
                "With one load alone, \(storm.device) read \(rate(alone)) at or above "
                + "\(TextFormat.fixed(saturatedUtilizationPercent, decimals: 0))% util (the diskstats sample ending at \(seconds(sampleSeconds))): "
                + "each load ran \(times(slowdown)) than that."
        default:
            text +=
                "No slowdown is claimed: no file of the storm was loaded alone earlier, and no diskstats sample shows "
                + "\(storm.device) saturated by one load alone, so there is no reference to compare with."
        }
        return text
    }
}
