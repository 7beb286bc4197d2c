/// What `readtrace baseline check` prints: per file its load time against its history's median
/// and median absolute deviation, the flagged first.
public struct BaselineReport {
    public var width: Int
    public var rowPolicy: RowPolicy

    public init(width: Int, rowPolicy: RowPolicy = RowPolicy()) {
        self.width = width
        self.rowPolicy = rowPolicy
    }

    public func render(_ check: BaselineCheck, store: String) -> String {
        let judged = check.findings.count { $0.departure != nil }
        var lines = TextFormat.wrap(
            "readtrace baseline check against \(TerminalText.escaped(store)): \(check.findings.count) file\(check.findings.count == 1 ? "" : "s"), "
                + "\(judged) with a history of at least \(check.minimumHistory) loads, \(check.flagged.count) flagged (load time more than "
                + "\(TextFormat.fixed(check.deviations, decimals: 1)) median absolute deviations from the history's median)",
            width: width, indent: 2)
        let selection = RowSelection(check.findings, policy: rowPolicy, limit: rowPolicy.tableLimit, bytes: \.profile.bytes)
        guard !selection.shown.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        typealias Column = TextTable<BaselineCheck.Finding>.Column
        let table = TextTable(
            [
                Column(title: "LOAD_S", width: 7) { TextFormat.fixed($0.profile.loadSeconds, decimals: 3) },
                Column(title: "MEDIAN", width: 7) { $0.departure.map { TextFormat.fixed($0.median, decimals: 3) } ?? "-" },
                Column(title: "MAD", width: 7) { $0.departure.map { TextFormat.fixed($0.deviation, decimals: 3) } ?? "-" },
                Column(title: "DEV", width: 6) { $0.departure.map { TextFormat.fixed($0.deviations, decimals: 1) } ?? "-" },
                Column(title: "N", width: 3) { String($0.history) },
                Column(title: "VERDICT", width: 8, leftAligned: true) { finding in
                    guard let departure = finding.departure else { return "new" }
                    return finding.flagged ? (departure.deviations > 0 ? "SLOWER" : "FASTER") : "ok"
                },
            ], pathTitle: "FILE", path: { TerminalText.escaped($0.profile.path) }, width: width, droppable: ["MAD", "N"])
        lines += ["", table.header] + selection.shown.map(table.line)
        if let rest = selection.restLine("files", bytes: \.profile.bytes) { lines.append(TextFormat.fit(rest + " (--top)", width: width)) }
        lines += TextFormat.wrap(
            "LOAD_S the slowest reader's load in this dump; MEDIAN and MAD (median absolute deviation, at least 1% of the median) of "
                + "the file's history; DEV how many MADs this load is from the median; N loads in the history; new: too short a history "
                + "to judge."
                + (table.hidden.isEmpty ? "" : " Hidden at \(width) columns: \(table.hidden.joined(separator: ", ")) (--width)."),
            width: width, indent: 2)
        return lines.joined(separator: "\n") + "\n"
    }
}
