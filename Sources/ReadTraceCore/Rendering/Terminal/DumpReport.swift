/// What `readtrace report` prints for a dump: the run, one line per file read (the largest
/// first, as many as the row policy shows, the rest summed), the load timeline and the storm
/// summary, all within `width` columns.
public struct DumpReport {
    public var width: Int
    public var rule: LoadRule
    public var rowPolicy: RowPolicy

    public init(width: Int, rule: LoadRule = LoadRule(), rowPolicy: RowPolicy = RowPolicy()) {
        self.width = width
        self.rule = rule
        self.rowPolicy = rowPolicy
    }

    /// A column of the table; FILE takes the width left.
    struct Column {
        var title: String
        var width: Int
        var leftAligned = false
        var cell: (FileLoad) -> String
    }

    static let fileTitle = "FILE"
    static let minimumFileWidth = 24
    /// Hidden in this order until FILE has its minimum width.
    static let droppable = ["COMM", "MISS", "LOAD_S", "DISK"]

    public func render(_ dump: DumpDocument) -> String {
        let host = TerminalText.escaped(dump.host.hostname)
        let kernel = TerminalText.escaped(dump.host.kernel)
        var lines = TextFormat.wrap(
            "readtrace report: \(host) (kernel \(kernel)), started \(TerminalText.escaped(dump.startedAt)), "
                + "\(TextFormat.fixed(dump.durationSeconds, decimals: 1)) s traced with \(dump.hook.rawValue) hooks, "
                + "\(dump.eventsEmitted) events, \(dump.lostEvents) lost"
                + (dump.skippedProgramRuns > 0 ? ", \(dump.skippedProgramRuns) program runs skipped by the kernel" : ""), width: width,
            indent: 2)
        if dump.lostEvents > 0 {
            lines += TextFormat.wrap(
                "WARNING: \(dump.lostEvents) events were lost (ring buffer full): the figures below are low",
                width: width, indent: 2)
        }
        let loads = dump.loads
        guard !loads.isEmpty else { return (lines + ["no reads in this dump"]).joined(separator: "\n") + "\n" }
        let selection = RowSelection(
            loads.sorted { ($0.bytes, $1.read.firstReadSeconds) > ($1.bytes, $0.read.firstReadSeconds) },
            policy: rowPolicy, limit: rowPolicy.tableLimit, bytes: \.bytes)
        let (columns, hidden) = layout(for: selection.shown)
        let fileWidth = max(1, width - columns.reduce(0) { $0 + $1.width + 1 })
        func line(_ cells: [String], file: String) -> String {
            let text = zip(columns, cells).map { column, cell in
                let fitted = TextFormat.fit(cell, width: column.width)
                let padding = String(repeating: " ", count: column.width - fitted.count)
                return column.leftAligned ? fitted + padding : padding + fitted
            }.joined(separator: " ")
            return text + " " + Self.fileCell(file, width: fileWidth)
        }
        lines.append("")
        lines.append(line(columns.map(\.title), file: Self.fileTitle))
        lines += selection.shown.map { load in line(columns.map { $0.cell(load) }, file: load.shownPath) }
        if let rest = selection.restLine("files", bytes: \.bytes) { lines.append(TextFormat.fit(rest + " (--top)", width: width)) }
        lines += TextFormat.wrap(
            "Columns: BYTES read by the process (M = MiB, G = GiB); MISS brought into the page cache; DISK read "
                + "from the block device; LOAD_S from the first read until \(TextFormat.fixed(dump.loadedShare * 100, decimals: 0))% of the "
                + "file was read (- never); MiB/s over that time; WAIT share of it in reads that waited on the device (- not timed); "
                + "GROUP the pod or container, its id shortened to a unique prefix; … text cut to fit."
                + (hidden.isEmpty ? "" : " Hidden at \(width) columns: \(hidden.joined(separator: ", ")) (--width)."), width: width,
            indent: 2)
        let timeline = LoadTimeline(width: width, rule: rule, rowPolicy: rowPolicy).render(dump)
        if !timeline.isEmpty { lines += [""] + timeline }
        let storms = StormSummary.paragraphs(dump, rule: rule)
        for paragraph in storms { lines += [""] + TextFormat.wrap(paragraph, width: width, indent: 2) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The path in `width` characters; when even the file name does not fit beside a directory,
    /// the name alone, so that shards like model-00001-of-00002 and model-00002-of-00002 stay apart.
    static func fileCell(_ path: String, width: Int) -> String {
        let elided = TextFormat.elidePath(path, toWidth: width)
        guard path.count > width, let name = path.split(separator: "/").last, !elided.hasSuffix("/" + name) else { return elided }
        return name.count < width ? "…" + name : TextFormat.elideMiddle(String(name), toWidth: width)
    }

    /// The columns that leave FILE its minimum width, and the titles hidden to get there.
    func layout(for loads: [FileLoad]) -> (columns: [Column], hidden: [String]) {
        let groupWidth = loads.compactMap { $0.shownGroup?.count }.max() ?? 0
        var columns = [
            Column(title: "PID", width: 7) { String($0.read.pid) },
            Column(title: "COMM", width: 15, leftAligned: true) { $0.shownComm },
        ]
        if groupWidth > 0 { columns.append(Column(title: "GROUP", width: max(groupWidth, 5), leftAligned: true) { $0.shownGroup ?? "" }) }
        columns += [
            Column(title: "BYTES", width: 6) { TextFormat.bytes($0.bytes) },
            Column(title: "MISS", width: 6) { TextFormat.bytes($0.read.cacheMissBytes + $0.read.mmapFaultBytes) },
            Column(title: "DISK", width: 6) { TextFormat.bytes($0.read.blockReadBytes) },
            Column(title: "LOAD_S", width: 7) { $0.read.loadSeconds.map { TextFormat.fixed($0, decimals: 3) } ?? "-" },
            Column(title: "MiB/s", width: 8) { TextFormat.fixed($0.mebibytesPerSecond, decimals: 1) },
            Column(title: "WAIT", width: 5) { TextFormat.percent($0.read.deviceWaitFraction) },
        ]
        var hidden: [String] = []
        for title in Self.droppable where width - columns.reduce(0, { $0 + $1.width + 1 }) < Self.minimumFileWidth {
            columns.removeAll { $0.title == title }
            hidden.append(title)
        }
        return (columns, hidden)
    }
}
