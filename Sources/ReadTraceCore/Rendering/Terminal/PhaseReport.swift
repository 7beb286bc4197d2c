/// Load phases in text: a row per (process, marker) on the load timeline's axis, and per
/// process where its time went, with one line answering whether the disk was the bottleneck.
/// Drawn from a dump, so a live run and `readtrace report` show the same.
public enum PhaseReport {
    /// In a marked call; a probe point's hit.
    static let inPhase: Character = "="
    static let hit: Character = "^"

    /// One row per process and marker with spans, `columns` wide from 0 to `secondsPerColumn * columns`.
    static func tracks(_ dump: DumpDocument, columns: Int, secondsPerColumn: Double, labelWidth: Int) -> [String] {
        let rows = rows(dump)
        guard !rows.isEmpty, secondsPerColumn > 0 else { return [] }
        func column(_ seconds: Double) -> Int { min(columns - 1, max(0, Int(seconds / secondsPerColumn))) }
        let lines = rows.map { row -> String in
            var bar = [Character](repeating: " ", count: columns)
            for span in row.spans {
                if span.durationSeconds == 0 {
                    bar[column(span.startSeconds)] = hit
                } else {
                    for index in column(span.startSeconds)...column(span.startSeconds + span.durationSeconds) where bar[index] != hit {
                        bar[index] = inPhase
                    }
                }
            }
            return LoadTimeline.pad(row.label, width: labelWidth) + " " + String(bar)
        }
        return ["Load phases: \(inPhase) in a marked call, \(hit) a probe hit"] + lines
    }

    /// A timeline row: one process's spans of one marker.
    struct Row {
        var pid: Int32
        var name: String
        var spans: [DumpDocument.Mark]
        /// "deserialize trtserver 4123 ×12" ("deserialize node-a trtserver 4123 ×12" in a merged dump), escaped.
        var label: String
    }

    /// The rows by host and pid, then in the markers' order.
    static func rows(_ dump: DumpDocument) -> [Row] {
        guard let marks = dump.marks, !marks.isEmpty else { return [] }
        let order = Dictionary((dump.markers ?? []).enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let grouped = Dictionary(grouping: marks) {
            RowKey(host: $0.host ?? "", pid: $0.pid, marker: order[$0.name] ?? Int.max, name: $0.name)
        }
        return grouped.keys.sorted().map { key in
            let spans = grouped[key] ?? []
            let process = DumpDocument.ProcessKey(host: spans.first?.host, pid: key.pid)
            return Row(
                pid: key.pid, name: key.name, spans: spans,
                label: "\(TerminalText.escaped(key.name)) \(who(process, in: dump)) ×\(spans.count)")
        }
    }

    private struct RowKey: Hashable, Comparable {
        var host: String
        var pid: Int32
        var marker: Int
        var name: String

        static func < (lhs: RowKey, rhs: RowKey) -> Bool {
            (lhs.host, lhs.pid, lhs.marker, lhs.name) < (rhs.host, rhs.pid, rhs.marker, rhs.name)
        }
    }

    /// "trtserver 4123", or in a merged dump "node-a trtserver 4123", escaped.
    private static func who(_ key: DumpDocument.ProcessKey, in dump: DumpDocument) -> String {
        let comm = dump.processes.first { $0.pid == key.pid && $0.host == key.host }?.comm ?? "?"
        return (key.host.map { TerminalText.escaped($0) + " " } ?? "") + "\(TerminalText.escaped(comm)) \(key.pid)"
    }

    /// Per marked process its breakdown, then the verdict over all of them.
    public static func breakdown(_ dump: DumpDocument, width: Int) -> [String] {
        guard let breakdowns = dump.phaseBreakdown, let verdict = PhaseAnalysis.verdict(breakdowns) else { return [] }
        var lines: [String] = []
        for breakdown in breakdowns {
            let window = breakdown.windowSeconds
            let parts =
                ["reads \(share(breakdown.readSeconds, of: window)) (device \(share(breakdown.deviceWaitSeconds, of: window)))"]
                + breakdown.phases.map { "\(TerminalText.escaped($0.name)) \(share($0.seconds, of: window))" }
                + ["neither \(share(breakdown.neitherSeconds, of: window))"]
            lines += TextFormat.wrap(
                "\(who(DumpDocument.ProcessKey(host: breakdown.host, pid: breakdown.pid), in: dump)): \(TextFormat.duration(nanoseconds: UInt64(max(window, 0) * 1e9))) from its first traced "
                    + "call to its last: \(parts.joined(separator: ", "))",
                width: width, indent: 2)
        }
        return lines + TextFormat.wrap(verdictLine(verdict), width: width, indent: 2)
    }

    /// "Disk: not the bottleneck: waiting on the device 4% of 2.1 s in 2 processes; other read time 3%, deserialize 61%, copy 22%, neither 10%."
    static func verdictLine(_ verdict: PhaseAnalysis.Verdict) -> String {
        let window = verdict.windowSeconds
        let parts =
            ["other read time \(share(verdict.otherReadSeconds, of: window))"]
            + verdict.phases.map { "\(TerminalText.escaped($0.name)) \(share($0.seconds, of: window))" }
            + ["neither \(share(verdict.neitherSeconds, of: window))"]
        return "Disk: \(verdict.diskWasBottleneck ? "the bottleneck" : "not the bottleneck"): waiting on the device "
            + "\(share(verdict.deviceWaitSeconds, of: window)) of \(TextFormat.duration(nanoseconds: UInt64(max(window, 0) * 1e9))) in \(verdict.processes) "
            + "process\(verdict.processes == 1 ? "" : "es"); \(parts.joined(separator: ", "))."
    }

    private static func share(_ seconds: Double, of window: Double) -> String {
        TextFormat.percent(window > 0 ? seconds / window : nil)
    }
}
