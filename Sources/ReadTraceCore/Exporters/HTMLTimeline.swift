/// The load timeline as an SVG element, drawn by readtrace so the page reads without
/// JavaScript (in a mail, a PDF, a wiki attachment): a row per load the rule counts (the
/// largest, as many as the row policy and the cap allow, the rest summed in a line), each
/// device's %util, and per device how many loads were in progress at once with the peak marked.
/// Hover details are SVG titles, which browsers show without script.
struct HTMLTimeline {
    var dump: DumpDocument
    var rule: LoadRule
    var rowPolicy: RowPolicy
    /// At most this many load rows, whatever the policy.
    var rowLimit: Int

    static let labelWidth = 340.0, plotWidth = 820.0, rightMargin = 20.0
    static let rowHeight = 20.0, axisTop = 44.0, concurrencyHeight = 40.0

    func render() -> String {
        let loads = dump.loads(countedBy: rule)
        let selection = RowSelection(loads.sorted { $0.bytes > $1.bytes }, policy: rowPolicy, limit: rowLimit, bytes: \.bytes)
        let shownKeys = Set(selection.shown.map(\.key))
        let shown = loads.filter { shownKeys.contains($0.key) }
        // Devices that were busy at some point, as the terminal's timeline shows them.
        let devices = dump.devices.filter { $0.samples.contains { $0.utilizationPercent > 0 } }
        let byDevice = Dictionary(grouping: loads, by: { $0.deviceName ?? "" }).sorted { $0.key < $1.key }
        let duration = max(dump.durationSeconds, 0.001)
        let axis = TimeAxis(durationSeconds: duration)
        func x(_ seconds: Double) -> Double { Self.labelWidth + Self.plotWidth * min(max(seconds / duration, 0), 1) }
        func number(_ value: Double) -> String { TextFormat.fixed(value, decimals: 1) }

        let busiest =
            shown.flatMap { load in load.read.timeline.readBytes.map { Double($0) / load.read.timeline.bucketSeconds / 1_048_576 } }.max()
            ?? 0
        let throughput = ColorScale.throughput(maximum: max(busiest, 0.1))
        let restRows = selection.rest.isEmpty ? 0 : 1
        let phases = PhaseReport.rows(dump)
        let phasesTop = Self.axisTop + Double(shown.count + restRows) * Self.rowHeight
        let tracksTop = phasesTop + Double(phases.count) * Self.rowHeight
        let concurrencyTop = tracksTop + Double(devices.count) * Self.rowHeight
        let plotBottom = concurrencyTop + Double(byDevice.count) * (Self.concurrencyHeight + 8)
        let height = plotBottom + 110
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"\(number(Self.labelWidth + Self.plotWidth + Self.rightMargin))\" "
            + "height=\"\(number(height))\" role=\"img\" aria-label=\"Load timeline\">\n"
        // Axis titles: time along the top, what a row stands for above the labels.
        svg +=
            "<text class=\"axis-title\" x=\"\(number(Self.labelWidth + Self.plotWidth / 2))\" y=\"14\" text-anchor=\"middle\">time since tracing began (s)</text>\n"
        svg += "<text class=\"axis-title\" x=\"4\" y=\"\(number(Self.axisTop - 6))\">process pid file, pod or container</text>\n"
        for tick in axis.ticks {
            svg +=
                "<line class=\"tick\" x1=\"\(number(x(tick)))\" x2=\"\(number(x(tick)))\" y1=\"\(number(Self.axisTop - 6))\" y2=\"\(number(plotBottom))\"/>"
                + "<text x=\"\(number(x(tick)))\" y=\"\(number(Self.axisTop - 12))\" text-anchor=\"middle\">\(axis.label(tick))</text>\n"
        }
        for (index, load) in shown.enumerated() {
            svg += row(load, y: Self.axisTop + Double(index) * Self.rowHeight, x: x, scale: throughput)
        }
        if let rest = selection.restLine("loads", bytes: \.bytes) {
            svg += "<text class=\"rest\" x=\"4\" y=\"\(number(tracksTop - 6))\">\(HTMLReport.escape(rest + ", the largest shown"))</text>\n"
        }
        for (index, phase) in phases.enumerated() {
            svg += phaseRow(phase, y: phasesTop + Double(index) * Self.rowHeight, x: x)
        }
        for (index, device) in devices.enumerated() {
            let y = tracksTop + Double(index) * Self.rowHeight
            svg += "<g class=\"device\"><text x=\"4\" y=\"\(number(y + 14))\">\(HTMLReport.escape(device.name)) %util</text>"
            var start = 0.0
            for sample in device.samples {
                svg +=
                    "<rect class=\"util\" x=\"\(number(x(start)))\" y=\"\(number(y + 3))\" width=\"\(number(max(1, x(sample.seconds) - x(start))))\" "
                    + "height=\"\(number(Self.rowHeight - 6))\" fill=\"\(ColorScale.utilization.color(for: sample.utilizationPercent))\">"
                    + "<title>\(HTMLReport.escape(device.name)) \(number(start))–\(number(sample.seconds)) s: "
                    + "\(number(sample.utilizationPercent))% util, \(number(sample.readMiBPerSecond)) MiB/s read, "
                    + "await \(TextFormat.fixed(sample.readAwaitMilliseconds, decimals: 2)) ms</title></rect>"
                start = sample.seconds
            }
            svg += "</g>\n"
        }
        for (index, (device, deviceLoads)) in byDevice.enumerated() {
            svg += concurrencyTrack(
                device, LoadConcurrency(spans: deviceLoads.map(\.span)),
                y: concurrencyTop + Double(index) * (Self.concurrencyHeight + 8), x: x)
        }
        svg += legend(y: plotBottom + 24, throughput: throughput)
        return svg + "</svg>\n"
    }

    /// A load: its span, its buckets coloured by throughput, a tick where it was loaded, a title with the details.
    func row(_ load: FileLoad, y: Double, x: (Double) -> Double, scale: ColorScale) -> String {
        func number(_ value: Double) -> String { TextFormat.fixed(value, decimals: 1) }
        let read = load.read
        var details =
            "\(load.process?.comm ?? "?") \(read.pid)\(load.group.map { " " + $0 } ?? "")\n\(load.file?.path ?? load.fileName)\n"
            + "\(TextFormat.mebibytes(load.bytes)) from \(TextFormat.fixed(read.firstReadSeconds, decimals: 3)) s, "
            + (read.loadSeconds.map { "loaded in \(TextFormat.fixed($0, decimals: 3)) s" } ?? "not loaded")
            + " (\(TextFormat.mebibytesPerSecond(load.mebibytesPerSecond)))\n"
            + "cache misses \(TextFormat.mebibytes(read.cacheMissBytes + read.mmapFaultBytes)), disk \(TextFormat.mebibytes(read.blockReadBytes))"
        if let wait = read.deviceWaitFraction { details += "\nwaiting on the device \(TextFormat.percent(wait)) of the load" }
        var svg =
            "<g class=\"load\" data-pid=\"\(read.pid)\" data-file=\"\(read.fileID)\"><title>\(HTMLReport.escape(details))</title>"
            + "<text x=\"4\" y=\"\(number(y + 14))\">\(HTMLReport.escape(load.label(width: 50)))</text>"
            + "<rect class=\"load-bar\" x=\"\(number(x(read.firstReadSeconds)))\" y=\"\(number(y + 3))\" "
            + "width=\"\(number(max(1, x(read.lastReadSeconds) - x(read.firstReadSeconds))))\" height=\"\(number(Self.rowHeight - 6))\"/>"
        // Neighbouring buckets of one colour are one rectangle: a long load stays a few elements.
        let series = read.timeline
        var run: (start: Int, color: String)?
        func close(at end: Int) {
            guard let open = run else { return }
            svg +=
                "<rect class=\"bucket\" x=\"\(number(x(Double(open.start) * series.bucketSeconds)))\" y=\"\(number(y + 3))\" "
                + "width=\"\(number(max(1, x(Double(end) * series.bucketSeconds) - x(Double(open.start) * series.bucketSeconds))))\" "
                + "height=\"\(number(Self.rowHeight - 6))\" fill=\"\(open.color)\"/>"
            run = nil
        }
        for (bucket, bytes) in series.readBytes.enumerated() {
            let color = bytes == 0 ? nil : scale.color(for: Double(bytes) / series.bucketSeconds / 1_048_576)
            if color != run?.color { close(at: bucket) }
            if let color, run == nil { run = (bucket, color) }
        }
        close(at: series.readBytes.count)
        if read.loadSeconds != nil {
            svg +=
                "<line class=\"loaded-tick\" x1=\"\(number(x(load.endSeconds)))\" x2=\"\(number(x(load.endSeconds)))\" "
                + "y1=\"\(number(y + 1))\" y2=\"\(number(y + Self.rowHeight - 1))\"/>"
        }
        return svg + "</g>\n"
    }

    /// A marker's spans in one process: a bar per call, a tick per probe hit, each with its details as a title.
    func phaseRow(_ row: PhaseReport.Row, y: Double, x: (Double) -> Double) -> String {
        func number(_ value: Double) -> String { TextFormat.fixed(value, decimals: 1) }
        var svg =
            "<g class=\"phase\" data-pid=\"\(row.pid)\"><text x=\"4\" y=\"\(number(y + 14))\">\(HTMLReport.escape(row.label))</text>"
        for span in row.spans {
            let title =
                "<title>\(HTMLReport.escape(span.name)) thread \(span.tid): \(TextFormat.fixed(span.startSeconds, decimals: 6)) s"
                + (span.durationSeconds > 0 ? " for \(TextFormat.fixed(span.durationSeconds * 1000, decimals: 3)) ms" : "")
                + (span.bytes.map { ", \(TextFormat.bytes($0))" } ?? "") + "</title>"
            let left = x(span.startSeconds)
            svg +=
                span.durationSeconds > 0
                ? "<rect class=\"phase-bar\" x=\"\(number(left))\" y=\"\(number(y + 3))\" "
                    + "width=\"\(number(max(1, x(span.startSeconds + span.durationSeconds) - left)))\" height=\"\(number(Self.rowHeight - 6))\">\(title)</rect>"
                : "<line class=\"phase-hit\" x1=\"\(number(left))\" x2=\"\(number(left))\" y1=\"\(number(y + 1))\" "
                    + "y2=\"\(number(y + Self.rowHeight - 1))\">\(title)</line>"
        }
        return svg + "</g>\n"
    }

    /// Bars as high as the count of loads in progress, the count written where there is room,
    /// and the peak outlined and labelled.
    func concurrencyTrack(_ device: String, _ concurrency: LoadConcurrency, y: Double, x: (Double) -> Double) -> String {
        func number(_ value: Double) -> String { TextFormat.fixed(value, decimals: 1) }
        let peak = concurrency.peak
        let most = Double(max(peak?.count ?? 1, 1))
        var svg =
            "<g class=\"concurrency\" data-device=\"\(HTMLReport.escape(device))\"><text x=\"4\" y=\"\(number(y + 14))\">loads at once"
            + (device.isEmpty ? ", no block device" : " on " + HTMLReport.escape(device)) + "</text>"
            + "<line class=\"baseline\" x1=\"\(number(Self.labelWidth))\" x2=\"\(number(Self.labelWidth + Self.plotWidth))\" "
            + "y1=\"\(number(y + Self.concurrencyHeight))\" y2=\"\(number(y + Self.concurrencyHeight))\"/>"
        for step in concurrency.steps where step.count > 0 {
            let barHeight = Self.concurrencyHeight * Double(step.count) / most
            let left = x(step.start)
            let width = max(1, x(step.end) - x(step.start))
            svg +=
                "<rect class=\"at-once\" x=\"\(number(left))\" y=\"\(number(y + Self.concurrencyHeight - barHeight))\" "
                + "width=\"\(number(width))\" height=\"\(number(barHeight))\"><title>\(step.count) at once, "
                + "\(TextFormat.fixed(step.start, decimals: 2))–\(TextFormat.fixed(step.end, decimals: 2)) s</title></rect>"
            if width >= 14 {
                svg +=
                    "<text class=\"count\" x=\"\(number(left + width / 2))\" y=\"\(number(y + Self.concurrencyHeight - 3))\" "
                    + "text-anchor=\"middle\">\(step.count)</text>"
            }
        }
        if let peak {
            let left = x(peak.start)
            let width = max(2, x(peak.end) - x(peak.start))
            svg +=
                "<rect class=\"peak\" x=\"\(number(left))\" y=\"\(number(y))\" width=\"\(number(width))\" height=\"\(number(Self.concurrencyHeight))\"/>"
                + "<text class=\"peak-label\" x=\"4\" y=\"\(number(y + 30))\">"
                + "peak: \(peak.count) at once, first at \(TextFormat.fixed(peak.start, decimals: 2)) s</text>"
        }
        return svg + "</g>\n"
    }

    /// What the colours and marks mean.
    func legend(y: Double, throughput: ColorScale) -> String {
        func number(_ value: Double) -> String { TextFormat.fixed(value, decimals: 1) }
        func swatches(_ title: String, _ scale: ColorScale, decimals: Int, y: Double) -> String {
            var svg = "<text class=\"axis-title\" x=\"4\" y=\"\(number(y + 12))\">\(title)</text>"
            for (index, entry) in scale.legend(decimals: decimals).enumerated() {
                let left = Self.labelWidth + Double(index) * 130
                svg +=
                    "<rect x=\"\(number(left))\" y=\"\(number(y))\" width=\"24\" height=\"14\" fill=\"\(entry.color)\"/>"
                    + "<text x=\"\(number(left + 30))\" y=\"\(number(y + 12))\">\(entry.range)</text>"
            }
            return svg + "\n"
        }
        let left = Self.labelWidth
        return "<g class=\"legend\">"
            + swatches("throughput per bucket (MiB/s)", throughput, decimals: throughput.maximum < 10 ? 1 : 0, y: y)
            + swatches("device %util", ColorScale.utilization, decimals: 0, y: y + 24)
            + "<text class=\"axis-title\" x=\"4\" y=\"\(number(y + 60))\">marks</text>"
            + "<rect class=\"load-bar-sample\" x=\"\(number(left))\" y=\"\(number(y + 48))\" width=\"24\" height=\"14\"/>"
            + "<text x=\"\(number(left + 30))\" y=\"\(number(y + 60))\">first to last read, nothing read in that bucket</text>"
            + "<line class=\"loaded-tick\" x1=\"\(number(left + 352))\" x2=\"\(number(left + 352))\" y1=\"\(number(y + 47))\" y2=\"\(number(y + 63))\"/>"
            + "<text x=\"\(number(left + 360))\" y=\"\(number(y + 60))\">loaded (\(TextFormat.fixed(dump.loadedShare * 100, decimals: 0))% of the file read)</text>"
            + "<rect class=\"peak\" x=\"\(number(left + 600))\" y=\"\(number(y + 48))\" width=\"24\" height=\"14\"/>"
            + "<text x=\"\(number(left + 630))\" y=\"\(number(y + 60))\">most loads at once</text></g>\n"
    }
}
