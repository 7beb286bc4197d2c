/// The loads of a run on one time axis, in a terminal: one row per (process, file) the load
/// rule counts, shaded by throughput, the pod or container beside it, each device's %util
/// underneath and how many loads were in progress at once. Rendered from a dump, so a live run
/// and `readtrace report` draw the same picture.
public struct LoadTimeline {
    public var width: Int
    public var rule: LoadRule
    /// Which loads get a row (the largest); the rest are summed in one line.
    public var rowPolicy: RowPolicy

    public init(width: Int, rule: LoadRule = LoadRule(), rowPolicy: RowPolicy = RowPolicy()) {
        self.width = width
        self.rule = rule
        self.rowPolicy = rowPolicy
    }

    static let labelWidth = 44
    /// Shades for a quarter, a half, three quarters and all of the maximum.
    static let shades: [Character] = ["░", "▒", "▓", "█"]
    /// A load's span with nothing read in the column, and the column where the load was done.
    static let waiting: Character = "·"
    static let loaded: Character = "|"

    /// The time axis: `columns` columns over the run.
    struct Axis {
        var columns: Int
        var secondsPerColumn: Double

        func column(_ seconds: Double) -> Int { min(columns - 1, max(0, Int(seconds / secondsPerColumn))) }
    }

    /// `loads`: the dump's, when the caller has them already.
    public func render(_ dump: DumpDocument, loads all: [FileLoad]? = nil) -> [String] {
        let all = all ?? dump.loads
        let loads = all.filter(rule.counts)
        let hasMarks = dump.marks?.isEmpty == false
        guard !all.isEmpty || hasMarks, dump.durationSeconds > 0 else { return [] }
        let columns = max(10, width - Self.labelWidth - 1)
        let axis = Axis(columns: columns, secondsPerColumn: dump.durationSeconds / Double(columns))
        // Marked phases on the loads' axis.
        let phases = PhaseReport.tracks(dump, columns: columns, secondsPerColumn: axis.secondsPerColumn, labelWidth: Self.labelWidth)
        guard !loads.isEmpty else {
            let note =
                all.isEmpty
                ? "Load timeline: 0 s to \(TextFormat.fixed(dump.durationSeconds, decimals: 1)) s, no file read."
                : "Load timeline: none of the \(all.count) files read counts as a load (\(rule.description))."
            return (TextFormat.wrap(note, width: width, indent: 2) + phases + Self.utilizationTracks(dump.devices, axis: axis))
                .map { TextFormat.fit($0, width: width) }
        }
        let selection = RowSelection(loads.sorted { $0.bytes > $1.bytes }, policy: rowPolicy, bytes: \.bytes)
        let shownKeys = Set(selection.shown.map(\.key))
        let shown = loads.filter { shownKeys.contains($0.key) }
        let bytesByLoad = shown.map { Self.bytesPerColumn($0, columns: columns, secondsPerColumn: axis.secondsPerColumn) }
        let busiest = bytesByLoad.flatMap { $0 }.max() ?? 0

        var lines = header(dump, loads: loads.count, leftOut: all.count - loads.count, axis: axis, busiest: busiest)
        for (load, bytes) in zip(shown, bytesByLoad) {
            lines.append(
                Self.pad(load.label(width: Self.labelWidth), width: Self.labelWidth) + " "
                    + Self.bar(load, bytes, busiest: busiest, axis: axis))
        }
        if let rest = selection.restLine("loads", bytes: \.bytes) {
            lines.append(TextFormat.fit(rest + " (--top, --min-bytes)", width: width))
        }
        lines += phases + Self.utilizationTracks(dump.devices, axis: axis) + Self.concurrencyTracks(loads, axis: axis)
        return lines.map { TextFormat.fit($0, width: width) }
    }

    /// The axis, the rule and the legend.
    func header(_ dump: DumpDocument, loads: Int, leftOut: Int, axis: Axis, busiest: Double) -> [String] {
        let busiestRate = busiest / axis.secondsPerColumn / 1_048_576
        let quarters = Self.shades.indices.map { Self.shades[$0] == "█" ? "█ ≥75%" : "\(Self.shades[$0]) <\(($0 + 1) * 25)%" }
        return TextFormat.wrap(
            "Load timeline: 0 s to \(TextFormat.fixed(dump.durationSeconds, decimals: 1)) s, "
                + "\(TextFormat.fixed(axis.secondsPerColumn * 1000, decimals: 0)) ms per column; \(loads) load\(loads == 1 ? "" : "s") "
                + "(\(rule.description))" + (leftOut > 0 ? ", \(leftOut) smaller file\(leftOut == 1 ? "" : "s") left out." : "."),
            width: width, indent: 2)
            + TextFormat.wrap(
                "Legend: shading is throughput, of the busiest column's "
                    + "\(TextFormat.mebibytesPerSecond(busiestRate)) (\(quarters.joined(separator: ", "))) and %util, of 100%; "
                    + "\(Self.waiting) in a load with nothing read; \(Self.loaded) loaded (\(TextFormat.fixed(dump.loadedShare * 100, decimals: 0))% "
                    + "of the file read); loads at once: 1-9, + for 10 or more; … text cut to fit.", width: width, indent: 2)
    }

    /// A load's row: shaded where it read, dotted where it waited, marked where it was done.
    static func bar(_ load: FileLoad, _ bytes: [Double], busiest: Double, axis: Axis) -> String {
        var bar = [Character](repeating: " ", count: axis.columns)
        for index in axis.column(load.read.firstReadSeconds)...axis.column(load.read.lastReadSeconds) {
            bar[index] = bytes[index] > 0 ? shade(bytes[index], of: busiest) : waiting
        }
        if let loadSeconds = load.read.loadSeconds { bar[axis.column(load.read.firstReadSeconds + loadSeconds)] = loaded }
        return String(bar)
    }

    /// Each busy device's %util, shaded.
    static func utilizationTracks(_ devices: [DumpDocument.Device], axis: Axis) -> [String] {
        devices.filter { $0.samples.contains { $0.utilizationPercent > 0 } }.map { device in
            var bar = [Character](repeating: " ", count: axis.columns)
            var start = 0.0
            for sample in device.samples {
                for index in axis.column(start)...axis.column(sample.seconds) {
                    bar[index] = shade(sample.utilizationPercent, of: 100)
                }
                start = sample.seconds
            }
            return pad("\(device.name) %util", width: labelWidth) + " " + String(bar)
        }
    }

    /// Over every counted load, shown or summed, per device: what the storm summary counts.
    static func concurrencyTracks(_ loads: [FileLoad], axis: Axis) -> [String] {
        Dictionary(grouping: loads, by: { $0.deviceName ?? "" }).sorted(by: { $0.key < $1.key }).map { device, deviceLoads in
            let concurrency = LoadConcurrency(spans: deviceLoads.map(\.span))
            let bar = (0..<axis.columns).map { index -> Character in
                let start = index == 0 ? -Double.infinity : Double(index) * axis.secondsPerColumn
                let end = index == axis.columns - 1 ? Double.infinity : Double(index + 1) * axis.secondsPerColumn
                let most = concurrency.counts(from: start, to: end).upperBound
                return most == 0 ? " " : most > 9 ? "+" : Character("\(most)")
            }
            let name =
                "loads at once" + (device.isEmpty ? ", no block device" : " on \(device)")
                + " (peak \(concurrency.peak?.count ?? 0))"
            return pad(name, width: labelWidth) + " " + String(bar)
        }
    }

    /// A load's bytes per column: a bucket's bytes go to the columns it overlaps, in proportion
    /// to the overlap (buckets may be wider or narrower than columns, and need not line up with them).
    static func bytesPerColumn(_ load: FileLoad, columns: Int, secondsPerColumn: Double) -> [Double] {
        func column(_ seconds: Double) -> Int { min(columns - 1, max(0, Int(seconds / secondsPerColumn))) }
        var bytes = [Double](repeating: 0, count: columns)
        let series = load.read.timeline
        for (bucket, count) in series.readBytes.enumerated() where count > 0 {
            let start = Double(bucket) * series.bucketSeconds
            let end = start + series.bucketSeconds
            for index in column(start)...column(end.nextDown) {
                let overlap = min(end, Double(index + 1) * secondsPerColumn) - max(start, Double(index) * secondsPerColumn)
                bytes[index] += Double(count) * max(overlap, 0) / series.bucketSeconds
            }
        }
        return bytes
    }

    /// One of the four shades for `value` against `maximum`; anything above zero shows.
    static func shade(_ value: Double, of maximum: Double) -> Character {
        guard maximum > 0, value > 0 else { return " " }
        return shades[min(shades.count - 1, Int(value / maximum * Double(shades.count)))]
    }

    static func pad(_ text: String, width: Int) -> String {
        let fitted = TextFormat.fit(text, width: width)
        return fitted + String(repeating: " ", count: width - fitted.count)
    }
}
