/// What `readtrace diff` prints: per matched file a line before and a line after (load time,
/// throughput, cache-miss share, device p99, read amplification, readers at once), the
/// regressed first, then which files only one dump has.
public struct DiffReport {
    public var width: Int
    public var rowPolicy: RowPolicy

    public init(width: Int, rowPolicy: RowPolicy = RowPolicy()) {
        self.width = width
        self.rowPolicy = rowPolicy
    }

    /// One of a file's two lines.
    struct Side {
        var label: String
        var profile: FileProfile
        var change: String
    }

    public func render(_ diff: DumpDiff, baseline: String, new: String) -> String {
        let threshold = TextFormat.fixed(diff.threshold * 100, decimals: 0) + "%"
        var lines = TextFormat.wrap(
            "readtrace diff: \(TerminalText.escaped(baseline)) (before) against \(TerminalText.escaped(new)) (after): "
                + "\(diff.changes.count) file\(diff.changes.count == 1 ? "" : "s") in both, \(diff.regressed.count) regressed "
                + "(load time more than \(threshold) longer, or throughput more than \(threshold) lower)", width: width, indent: 2)
        let selection = RowSelection(diff.changes, policy: rowPolicy, limit: rowPolicy.tableLimit, bytes: \.after.bytes)
        if !selection.shown.isEmpty {
            typealias Column = TextTable<Side>.Column
            let table = TextTable(
                [
                    Column(title: "", width: 6, leftAligned: true) { $0.label },
                    Column(title: "LOAD_S", width: 7) { TextFormat.fixed($0.profile.loadSeconds, decimals: 3) },
                    Column(title: "MiB/s", width: 7) { TextFormat.rate($0.profile.throughputMiBPerSecond) },
                    Column(title: "MISS", width: 4) { TextFormat.percent($0.profile.missShare) },
                    Column(title: "DISK99", width: 6) {
                        $0.profile.deviceP99Microseconds.map { TextFormat.duration(nanoseconds: UInt64($0 * 1000)) } ?? "-"
                    },
                    Column(title: "AMPL", width: 5) { $0.profile.readAmplification.map { TextFormat.fixed($0, decimals: 1) + "x" } ?? "-" },
                    Column(title: "AT_ONCE", width: 7) { String($0.profile.concurrentReaders) },
                    Column(title: "CHANGE", width: 8, leftAligned: true) { $0.change },
                ], pathTitle: "FILE", path: { TerminalText.escaped($0.profile.path) }, width: width,
                droppable: ["AT_ONCE", "AMPL", "DISK99", "MISS"])
            lines += ["", table.header]
            for change in selection.shown {
                let ratio = change.ratio(.loadTime).map { ($0 - 1) * 100 }
                let text = ratio.map { ($0 >= 0 ? "+" : "") + TextFormat.fixed($0, decimals: 0) + "%" } ?? "-"
                lines.append(table.line(Side(label: "before", profile: change.before, change: "")))
                lines.append(
                    table.line(Side(label: "after", profile: change.after, change: text + (change.regressions.isEmpty ? "" : " !"))))
            }
            if let rest = selection.restLine("files", bytes: \.after.bytes) {
                lines.append(TextFormat.fit(rest + " (--top)", width: width))
            }
            lines += TextFormat.wrap(
                "LOAD_S the slowest reader's load; MiB/s the file's bytes over the time from the first read to the last load's end; "
                    + "MISS the share brought into the page cache; DISK99 the worst reader's p99 block-request latency; AMPL bytes "
                    + "read over the file's size; AT_ONCE readers loading it at once; CHANGE in load time, ! regressed."
                    + (table.hidden.isEmpty ? "" : " Hidden at \(width) columns: \(table.hidden.joined(separator: ", ")) (--width)."),
                width: width, indent: 2)
        }
        for change in diff.regressed {
            let what = change.regressions.map { figure in
                switch figure {
                case .loadTime:
                    "load \(TextFormat.fixed(change.before.loadSeconds, decimals: 3)) s -> \(TextFormat.fixed(change.after.loadSeconds, decimals: 3)) s"
                case .throughput:
                    "\(TextFormat.rate(change.before.throughputMiBPerSecond)) -> \(TextFormat.rate(change.after.throughputMiBPerSecond)) MiB/s"
                }
            }
            lines += TextFormat.wrap(
                "REGRESSED \(TerminalText.escaped(change.key)): \(what.joined(separator: ", "))", width: width, indent: 2)
        }
        for (side, profiles) in [("baseline", diff.onlyBefore), ("new dump", diff.onlyAfter)] where !profiles.isEmpty {
            let names = profiles.prefix(5).map { TerminalText.escaped($0.key) }.joined(separator: ", ")
            lines += TextFormat.wrap(
                "Only in the \(side): \(profiles.count) file\(profiles.count == 1 ? "" : "s") (\(names)\(profiles.count > 5 ? ", …" : ""))",
                width: width, indent: 2)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
