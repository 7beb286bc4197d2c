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

/// A reads entry with what the timeline and the storm summary need to know about it.
public struct FileLoad: Sendable {
    public var read: DumpDocument.Read
    public var file: DumpDocument.File?
    public var process: DumpDocument.Process?

    /// "trtserver 4123 a.engine pod 0b9f3c2e", the pod or else the container beside the file.
    public var label: String {
        let name = file.map { $0.path.split(separator: "/").last.map(String.init) ?? $0.path } ?? "file \(read.fileID)"
        var text = "\(process?.comm ?? "?") \(read.pid) \(name)"
        if let pod = process?.podUID {
            text += " pod " + pod.prefix(8)
        } else if let container = process?.containerID {
            text += " ctr " + container.prefix(12)
        }
        return text
    }

    /// Bytes the load brought in, by read calls and by faults on a mapping.
    public var bytes: UInt64 { read.readBytes + read.mmapFaultBytes }

    /// When the load finished: loaded, or its last read if it never was.
    public var endSeconds: Double { read.loadSeconds.map { read.firstReadSeconds + $0 } ?? read.lastReadSeconds }
}

extension DumpDocument {
    /// The entries that read something, in the order their loads started.
    public var loads: [FileLoad] {
        let filesByID = Dictionary(files.map { ($0.fileID, $0) }, uniquingKeysWith: { first, _ in first })
        let processesByPID = Dictionary(processes.map { ($0.pid, $0) }, uniquingKeysWith: { first, _ in first })
        return reads.filter { $0.readBytes + $0.mmapFaultBytes > 0 }
            .map { FileLoad(read: $0, file: filesByID[$0.fileID], process: processesByPID[$0.pid]) }
            .sorted { ($0.read.firstReadSeconds, $0.read.pid, $0.read.fileID) < ($1.read.firstReadSeconds, $1.read.pid, $1.read.fileID) }
    }
}

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

/// What `readtrace report` prints for a dump: the run, one line per load, the timeline and
/// the storm summary.
public enum DumpReport {
    public static func render(_ dump: DumpDocument, width: Int) -> String {
        var lines = ["readtrace report: \(dump.host.hostname) (kernel \(dump.host.kernel)), started \(dump.startedAt), "
            + "\(TextFormat.fixed(dump.durationSeconds, decimals: 1))s traced with \(dump.hook) hooks, "
            + "\(dump.eventsEmitted) events, \(dump.lostEvents) lost"
            + (dump.skippedProgramRuns > 0 ? ", \(dump.skippedProgramRuns) program runs skipped by the kernel" : "")]
        if dump.lostEvents > 0 {
            lines.append("WARNING: \(dump.lostEvents) events were lost (ring buffer full): the figures below are low")
        }
        let loads = dump.loads
        guard !loads.isEmpty else { return (lines + ["no reads in this dump"]).joined(separator: "\n") + "\n" }
        lines.append("")
        lines.append("    PID   BYTES    MISS    DISK   LOAD_S     MiB/s  WAIT  LOAD")
        for load in loads {
            let cells = [String(load.read.pid), TextFormat.bytes(load.bytes), TextFormat.bytes(load.read.cacheMissBytes + load.read.mmapFaultBytes),
                         TextFormat.bytes(load.read.blockReadBytes),
                         load.read.loadSeconds.map { TextFormat.fixed($0, decimals: 3) } ?? "-",
                         TextFormat.fixed(load.read.throughputMiBPerSecond, decimals: 1),
                         TextFormat.percent(load.read.deviceWaitFraction)]
            let widths = [7, 7, 7, 7, 8, 9, 5]
            let row = zip(cells, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }.joined(separator: " ")
            lines.append(String((row + "  " + load.label + (load.file.map { " (\($0.path))" } ?? "")).prefix(width)))
        }
        lines += [""] + LoadTimeline(width: width).render(dump)
        let storms = StormSummary.paragraphs(dump)
        if !storms.isEmpty { lines += [""] + storms }
        return lines.joined(separator: "\n") + "\n"
    }
}
