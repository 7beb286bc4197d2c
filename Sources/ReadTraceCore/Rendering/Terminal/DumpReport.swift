/// What `readtrace report` prints for a dump: the run, one line per file read (the largest
/// first, as many as the row policy shows, the rest summed), the load timeline and the storm
/// summary, all within `width` columns.
public struct DumpReport {
    public var width: Int
    public var rule: LoadRule
    public var rowPolicy: RowPolicy
    /// What a row stands for: a process, or all processes of a container or a pod, reading a file.
    public var grouping: GroupBy

    public init(width: Int, rule: LoadRule = LoadRule(), rowPolicy: RowPolicy = RowPolicy(), grouping: GroupBy = .process) {
        self.width = width
        self.rule = rule
        self.rowPolicy = rowPolicy
        self.grouping = grouping
    }

    typealias Column = TextTable<FileLoad>.Column

    static let fileTitle = "FILE"
    /// Hidden in this order until FILE has its minimum width.
    static let droppable = ["COMM", "MISS", "PREFETCH", "LOAD_S", "DISK", "HOST"]

    public func render(_ dump: DumpDocument) -> String {
        var lines = header(dump)
        // Built once for every part: a dump of 100,000 entries took a second each time.
        let all = dump.loads
        let counted = all.filter(rule.counts)
        let loads = rows(all)
        guard !loads.isEmpty else { return (lines + ["no reads in this dump"]).joined(separator: "\n") + "\n" }
        let selection = RowSelection(
            loads.sorted { ($0.bytes, $1.read.firstReadSeconds) > ($1.bytes, $0.read.firstReadSeconds) },
            policy: rowPolicy, limit: rowPolicy.tableLimit, bytes: \.bytes)
        let table = self.table(for: selection.shown)
        lines.append("")
        lines.append(table.header)
        lines += selection.shown.map(table.line)
        if let rest = selection.restLine(grouping == .process ? "files" : "rows", bytes: \.bytes) {
            lines.append(TextFormat.fit(rest + " (--top)", width: width))
        }
        lines += TextFormat.wrap(
            "Columns: BYTES read by the process (M = MiB, G = GiB); MISS brought into the page cache; DISK read "
                + "from the block device; LOAD_S from the first read until \(TextFormat.fixed(dump.loadedShare * 100, decimals: 0))% of the "
                + "file was read (- never); MiB/s over that time; WAIT share of it in reads that waited on the device (- not timed); "
                + "GROUP the pod or container, its id shortened to a unique prefix; "
                + (table.columns.contains { $0.title == "PREFETCH" }
                    ? "PREFETCH brought into the page cache by prefetch calls (readahead, fadvise, madvise), not read; " : "")
                + "… text cut to fit."
                + (table.hidden.isEmpty ? "" : " Hidden at \(width) columns: \(table.hidden.joined(separator: ", ")) (--width)."),
            width: width,
            indent: 2)
        lines += FileProfileTable(width: width, rowPolicy: rowPolicy).render(
            FileProfile.profiles(of: dump, loads: all, rule: rule, key: FileKey()))
        let timeline = LoadTimeline(width: width, rule: rule, rowPolicy: rowPolicy).render(dump, loads: all)
        if !timeline.isEmpty { lines += [""] + timeline }
        let daemons = FuseDaemonSummary.lines(dump)
        if !daemons.isEmpty { lines += [""] + daemons.map { TextFormat.fit($0, width: width) } }
        let storms = StormSummary.paragraphs(dump, loads: counted, rule: rule)
        for paragraph in storms { lines += [""] + TextFormat.wrap(paragraph, width: width, indent: 2) }
        let phases = PhaseReport.breakdown(dump, width: width)
        if !phases.isEmpty { lines += [""] + phases }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The run, or in a merged dump each host's run.
    private func header(_ dump: DumpDocument) -> [String] {
        func run(
            _ host: DumpDocument.Host, startedAt: String, duration: Double, hook: HookKind, events: UInt64, lost: UInt64, skipped: UInt64
        )
            -> String
        {
            "\(TerminalText.escaped(host.hostname)) (kernel \(TerminalText.escaped(host.kernel))), started \(TerminalText.escaped(startedAt)), "
                + "\(TextFormat.fixed(duration, decimals: 1)) s traced with \(hook.rawValue) hooks, \(events) events, \(lost) lost"
                + (skipped > 0 ? ", \(skipped) program runs skipped by the kernel" : "")
        }
        var lines: [String]
        if let sources = dump.mergedFrom {
            lines = TextFormat.wrap(
                "readtrace report: \(sources.count) dumps merged on wall-clock time, from \(TerminalText.escaped(dump.startedAt)), "
                    + "\(TextFormat.fixed(dump.durationSeconds, decimals: 1)) s in all:", width: width, indent: 2)
            for source in sources {
                lines += TextFormat.wrap(
                    "  \(TerminalText.escaped(source.label)): "
                        + run(
                            source.host, startedAt: source.startedAt, duration: source.durationSeconds, hook: source.hook,
                            events: source.eventsEmitted, lost: source.lostEvents, skipped: source.skippedProgramRuns), width: width,
                    indent: 4)
            }
        } else {
            lines = TextFormat.wrap(
                "readtrace report: "
                    + run(
                        dump.host, startedAt: dump.startedAt, duration: dump.durationSeconds, hook: dump.hook, events: dump.eventsEmitted,
                        lost: dump.lostEvents, skipped: dump.skippedProgramRuns), width: width, indent: 2)
        }
        if dump.lostEvents > 0 {
            lines += TextFormat.wrap(
                "WARNING: \(dump.lostEvents) events were lost (ring buffer full): the figures below are low",
                width: width, indent: 2)
        }
        return lines
    }

    /// The loads, or with a grouping one row per pod or container (processes outside one stay
    /// rows of their own) and file: bytes summed, from the first read of any to the last end.
    func rows(_ loads: [FileLoad]) -> [FileLoad] {
        guard grouping != .process else { return loads }
        var order: [String] = []
        var groups: [String: FileLoad] = [:]
        for var load in loads {
            let identity = load.process?.identity
            // FileLoad's group is the pod's label (shortened to a unique prefix) when there is a pod.
            let label = grouping == .pod ? (identity?.podUID == nil ? nil : load.group) : identity?.containerLabel()
            let key = "\(load.host ?? "") \(label ?? "pid \(load.read.pid)") \(load.read.fileID)"
            load.group = label ?? "\(load.process?.comm ?? "?") \(load.read.pid)"
            if var row = groups[key] {
                row.read.combine(load.read)
                groups[key] = row
            } else {
                order.append(key)
                groups[key] = load
            }
        }
        return order.compactMap { groups[$0] }
    }

    /// The columns that leave FILE its minimum width, and the titles hidden to get there.
    func table(for loads: [FileLoad]) -> TextTable<FileLoad> {
        let groupWidth = loads.compactMap { $0.shownGroup?.count }.max() ?? 0
        let hostWidth = loads.compactMap { $0.host.map(TerminalText.escaped)?.count }.max() ?? 0
        var columns: [Column] = []
        if hostWidth > 0 {
            columns.append(
                Column(title: "HOST", width: min(max(hostWidth, 4), 16), leftAligned: true) { TerminalText.escaped($0.host ?? "") })
        }
        if grouping == .process {
            columns += [
                Column(title: "PID", width: 7) { String($0.read.pid) },
                Column(title: "COMM", width: 15, leftAligned: true) { $0.shownComm },
            ]
        }
        if groupWidth > 0 {
            columns.append(Column(title: "GROUP", width: min(max(groupWidth, 5), 24), leftAligned: true) { $0.shownGroup ?? "" })
        }
        columns += [
            Column(title: "BYTES", width: 6) { TextFormat.bytes($0.bytes) },
            Column(title: "MISS", width: 6) { TextFormat.bytes($0.read.cacheMissBytes + $0.read.mmapFaultBytes) },
            Column(title: "DISK", width: 6) { TextFormat.bytes($0.read.blockReadBytes) },
        ]
        // Only when something was prefetched: it is no read, and most runs have none.
        if loads.contains(where: { ($0.read.prefetchBytes ?? 0) > 0 }) {
            columns.append(Column(title: "PREFETCH", width: 8) { TextFormat.bytes($0.read.prefetchBytes ?? 0) })
        }
        columns += [
            Column(title: "LOAD_S", width: 7) { $0.read.loadSeconds.map { TextFormat.fixed($0, decimals: 3) } ?? "-" },
            Column(title: "MiB/s", width: 8) { TextFormat.fixed($0.mebibytesPerSecond, decimals: 1) },
            Column(title: "WAIT", width: 5) { TextFormat.percent($0.read.deviceWaitFraction) },
        ]
        return TextTable(columns, pathTitle: Self.fileTitle, path: \.shownPath, width: width, droppable: Self.droppable)
    }
}

extension DumpDocument.Read {
    /// Adds another process's reads of the same file: counts summed, from the first read of
    /// either to the last; loaded when both were, at the later of their loads. Shares of a span
    /// do not add up and become unknown; latencies are left as they were (no row shows them).
    mutating func combine(_ other: DumpDocument.Read) {
        let ends = [loadSeconds.map { firstReadSeconds + $0 }, other.loadSeconds.map { other.firstReadSeconds + $0 }]
        readCalls += other.readCalls
        readBytes += other.readBytes
        errorCalls += other.errorCalls
        cacheMissBytes += other.cacheMissBytes
        mmapFaultBytes += other.mmapFaultBytes
        mappedBytes = Self.sum(mappedBytes, other.mappedBytes)
        prefetchBytes = Self.sum(prefetchBytes, other.prefetchBytes)
        blockReadBytes += other.blockReadBytes
        blockReadIOs += other.blockReadIOs
        firstReadSeconds = min(firstReadSeconds, other.firstReadSeconds)
        lastReadSeconds = max(lastReadSeconds, other.lastReadSeconds)
        loadSeconds = ends[0].flatMap { first in ends[1].map { max(first, $0) - firstReadSeconds } }
        spanSeconds = lastReadSeconds - firstReadSeconds
        deviceWaitFraction = nil
        inReadFraction = nil
    }

    /// A field dumps from before it lack stays nil only when both lack it.
    private static func sum(_ lhs: UInt64?, _ rhs: UInt64?) -> UInt64? {
        lhs == nil && rhs == nil ? nil : (lhs ?? 0) + (rhs ?? 0)
    }
}
