/// A self-contained HTML report of a run (no network, no CDN): the load timeline as SVG drawn
/// here (`HTMLTimeline`), the storm summary, and the per-file, per-process and per-device
/// tables, each capped like the terminal's with the rest summed. The page reads without
/// JavaScript; a small script only highlights what the pointer is on. The dump is embedded
/// whole for tools that want the numbers.
public enum HTMLReport {
    /// Rows of the timeline and of each table when the row policy sets no smaller cap: a page
    /// with 500 rows is a page nobody reads.
    public static let defaultRowLimit = 100

    public static func render(_ dump: DumpDocument, rule: LoadRule = LoadRule(), rowPolicy: RowPolicy = RowPolicy()) throws -> String {
        var page: [UInt8] = []
        try write(dump, rule: rule, rowPolicy: rowPolicy, embedding: { try $0(try dump.encoded()) }, to: { page += $0 })
        return String(decoding: page, as: UTF8.self)
    }

    /// The page, in pieces: the sections, then the dump `embedding` hands over (in pieces too),
    /// escaped for its script element, then the script.
    public static func write(
        _ dump: DumpDocument, rule: LoadRule, rowPolicy: RowPolicy,
        embedding: (_ emitDump: ([UInt8]) throws -> Void) throws -> Void, to emit: ([UInt8]) throws -> Void
    ) throws {
        try emit(Array((body(dump, rule: rule, rowPolicy: rowPolicy) + dataOpening).utf8))
        try withoutActuallyEscaping(emit) { emit in try embedding { try emit(escapedForScript($0)) } }
        try emit(Array(ending.utf8))
    }

    /// What a person reads: the sections, each capped, so its size does not grow with the run.
    public static func body(_ dump: DumpDocument, rule: LoadRule = LoadRule(), rowPolicy: RowPolicy = RowPolicy()) -> String {
        head(dump, rule: rule, rowPolicy: rowPolicy) + stormSection(dump, rule: rule) + filesTable(dump, rowPolicy: rowPolicy)
            + processesTable(dump) + devicesTable(dump)
    }

    /// The dump for tools that want the numbers goes between these two, escaped for a script element.
    public static let dataOpening = "<script type=\"application/json\" id=\"readtrace-data\">"
    public static let ending = """
        </script>
        <script>\(script)</script>
        </body></html>

        """

    /// Every "<" escaped: neither "</script>" nor "<!--" can end or confuse the script element.
    public static func escapedForScript(_ json: [UInt8]) -> [UInt8] {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(json.count)
        for byte in json {
            if byte == UInt8(ascii: "<") { escaped += Array("\\u003c".utf8) } else { escaped.append(byte) }
        }
        return escaped
    }

    /// The run, the load timeline's legend and its SVG.
    static func head(_ dump: DumpDocument, rule: LoadRule, rowPolicy: RowPolicy) -> String {
        let loads = dump.loads
        let counted = dump.loads(countedBy: rule)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>readtrace: \(escape(dump.host.hostname)) \(escape(dump.startedAt))</title>
            <style>\(style)</style></head><body>
            <h1>readtrace report</h1>
            <p class="meta">\(escape(dump.host.hostname)), kernel \(escape(dump.host.kernel)), started \(escape(dump.startedAt)),
            \(TextFormat.fixed(dump.durationSeconds, decimals: 2)) s traced with \(escape(dump.hook.rawValue)) hooks,
            \(dump.eventsEmitted) events, <span class="\(dump.lostEvents > 0 ? "lost" : "")">\(dump.lostEvents) lost</span>.
            Filters: \(escape(filterText(dump.filters))).</p>
            <h2>Load timeline</h2>
            <p class="legend">One row per (process, file) that counts as a load: \(escape(rule.description))
            (\(counted.count) of \(loads.count) files read). Shading is throughput per \(TextFormat.fixed(loads.first?.read.timeline.bucketSeconds ?? 0.1, decimals: 1)) s bucket;
            the black tick marks where the file counted as loaded; below, each device's %util and how many loads were in progress at once.
            Hover over a row or a track for details.</p>
            <div class="scroll">
            \(HTMLTimeline(dump: dump, rule: rule, rowPolicy: rowPolicy, rowLimit: defaultRowLimit).render())</div>
            <pre id="details" aria-live="polite"></pre>
            \(phaseSection(dump))
            """
    }

    /// The marked phases' breakdown per process and the verdict on the disk, under the timeline
    /// (whose purple rows are the phases' calls).
    static func phaseSection(_ dump: DumpDocument) -> String {
        let lines = PhaseReport.breakdown(dump, width: Int.max / 2)
        guard !lines.isEmpty else { return "" }
        return "<h2>Load phases</h2>\n<p class=\"legend\">Purple rows in the timeline: calls of the marked functions (bars) "
            + "and hits of marked probes (ticks). Where each process's time went, from its first traced call to its last:</p>\n<ul>"
            + lines.map { "<li>\(escape(String($0.trimmingPrefix(while: { $0 == " " }))))</li>" }.joined() + "</ul>\n"
    }

    static func stormSection(_ dump: DumpDocument, rule: LoadRule) -> String {
        let storms = StormSummary.paragraphs(dump, rule: rule)
        guard !storms.isEmpty else { return "" }
        // The first paragraph says the rule; each storm stands out.
        return "<h2>Storm summary</h2>\n"
            + storms.enumerated().map { index, text in
                "<p class=\"\(index == 0 ? "legend" : "storm")\">\(escape(text))</p>"
            }.joined(separator: "\n") + "\n"
    }

    /// One row per file read, the largest first.
    static func filesTable(_ dump: DumpDocument, rowPolicy: RowPolicy) -> String {
        let loads = dump.loads
        let files = RowSelection(loads.sorted { $0.bytes > $1.bytes }, policy: rowPolicy, limit: defaultRowLimit, bytes: \.bytes)
        return "<h2>Files</h2>\n"
            + table(
                headers: [
                    "pid", "process", "pod / container", "file", "MiB", "cache misses MiB", "disk reads MiB", "load s", "MiB/s",
                    "waiting on disk",
                ],
                rows: files.shown.map { load in
                    [
                        String(load.read.pid), load.process?.comm ?? "?", group(of: load.process), load.file?.path ?? "?",
                        mebibytes(load.bytes), mebibytes(load.read.cacheMissBytes + load.read.mmapFaultBytes),
                        mebibytes(load.read.blockReadBytes), load.read.loadSeconds.map { TextFormat.fixed($0, decimals: 3) } ?? "-",
                        TextFormat.fixed(load.mebibytesPerSecond, decimals: 1),
                        TextFormat.percent(load.read.deviceWaitFraction),
                    ]
                }, rest: files.restLine("files", bytes: \.bytes).map { $0 + " (the largest are shown)" })
    }

    static func processesTable(_ dump: DumpDocument) -> String {
        let processes = RowSelection(dump.processes, policy: RowPolicy(top: defaultRowLimit), bytes: { _ in 0 })
        return "<h2>Processes</h2>\n"
            + table(
                headers: ["pid", "process", "command line", "pod", "container", "runtime", "cgroup"],
                rows: processes.shown.map { process in
                    [
                        String(process.pid), process.comm, process.cmdline ?? "", process.podUID ?? "", process.containerID ?? "",
                        process.containerRuntime?.rawValue ?? "", process.cgroup ?? "",
                    ]
                }, rest: processes.rest.isEmpty ? nil : "… \(processes.rest.count) more processes")
    }

    static func devicesTable(_ dump: DumpDocument) -> String {
        "<h2>Devices</h2>\n"
            + table(
                headers: [
                    "device", "disk", "read MiB", "read IOs", "read await ms", "util %", "by traced processes MiB", "filtered out MiB",
                    "unattributed MiB",
                ],
                rows: dump.devices.map { device in
                    [
                        device.name, device.disk, mebibytes(device.totals.readBytes), String(device.totals.readIOs),
                        TextFormat.fixed(device.totals.readAwaitMilliseconds, decimals: 2),
                        TextFormat.fixed(device.totals.utilizationPercent, decimals: 1),
                        mebibytes(device.attributedBlockReadBytes), mebibytes(device.filteredBlockReadBytes),
                        mebibytes(device.unattributedBlockReadBytes),
                    ]
                }, rest: nil)
    }

    static func mebibytes(_ bytes: UInt64) -> String { TextFormat.fixed(Double(bytes) / 1_048_576, decimals: 1) }

    static func group(of process: DumpDocument.Process?) -> String {
        process?.identity.label() ?? ""
    }

    static func filterText(_ filters: DumpDocument.Filters) -> String {
        let parts = [
            ("--comm", filters.comm), ("--pid", filters.pid.map(String.init)), ("--cgroup", filters.cgroup),
            ("--pod", filters.pod), ("--container", filters.container), ("--path", filters.path),
        ]
        .flatMap { flag, values in values.map { "\(flag) \($0)" } }
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }

    /// A table in a box that scrolls sideways when it is wider than the page; a last row for what was left out.
    static func table(headers: [String], rows: [[String]], rest: String?) -> String {
        let head = "<tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        var body = rows.map { "<tr>" + $0.map { "<td\(isNumber($0) ? " class=\"n\"" : "")>\(escape($0))</td>" }.joined() + "</tr>" }
        if let rest { body.append("<tr class=\"rest\"><td colspan=\"\(headers.count)\">\(escape(rest))</td></tr>") }
        return "<div class=\"scroll\"><table>\n\(head)\n\(body.joined(separator: "\n"))\n</table></div>\n"
    }

    /// Numbers never wrap inside a cell; text may, anywhere.
    static func isNumber(_ cell: String) -> Bool {
        !cell.isEmpty && cell.allSatisfy { $0.isNumber || ".-%".contains($0) }
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
        h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
        .meta, .legend { color: #555; max-width: 70em; } .lost { color: #b00; font-weight: bold; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
        td { overflow-wrap: anywhere; max-width: 36em; } td.n { white-space: nowrap; text-align: right; } tr.rest td { color: #555; font-style: italic; }
        svg text { font: 12px system-ui, sans-serif; fill: #333; } svg .axis-title { font-weight: bold; }
        svg .tick { stroke: #e4e4e4; } svg .baseline { stroke: #999; } svg .rest { font-style: italic; fill: #555; }
        .load-bar, .load-bar-sample { fill: #eef2f7; stroke: #c8d0da; } .loaded-tick { stroke: #000; stroke-width: 2; } .phase-bar { fill: #8e5bd6; } .phase-hit { stroke: #8e5bd6; stroke-width: 2; }
        .at-once { fill: #9aa4b1; } svg .count { fill: #fff; font-size: 11px; }
        .peak { fill: none; stroke: #d1242f; stroke-width: 2; } svg .peak-label { fill: #d1242f; font-weight: bold; }
        g.load:hover text, g.device:hover text { font-weight: bold; } g.load:hover .load-bar { stroke: #000; }
        #details:empty { display: none; } #details { color: #333; background: #f6f8fa; padding: 4px 8px; white-space: pre-wrap; }
        .storm { background: #fff6e0; padding: 8px; border-left: 3px solid #e0a000; max-width: 70em; }
        """

    /// Shows the details of what the pointer is on under the timeline (the SVG titles already
    /// show them as tooltips without script).
    static let script = """
        (function () {
          const details = document.getElementById('details');
          for (const element of document.querySelectorAll('svg.timeline g.load, svg.timeline rect.util, svg.timeline rect.at-once')) {
            const title = element.querySelector('title');
            if (!title) continue;
            element.addEventListener('mouseenter', () => { details.textContent = title.textContent; });
          }
        })();
        """
}
