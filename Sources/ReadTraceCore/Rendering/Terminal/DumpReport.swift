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
