import Glibc
import ReadTraceCore

/// Where the live view goes: a redrawn terminal screen, plain periodic text, or nowhere.
final class LiveScreen {
    enum Mode {
        case terminal, plain, silent

        /// Screen control only on a terminal that understands it.
        static func forStandardOutput() -> Mode {
            let term = getenv("TERM").map { String(cString: $0) } ?? ""
            return isatty(STDOUT_FILENO) == 1 && term != "dumb" && !term.isEmpty ? .terminal : .plain
        }
    }

    private static let enterAlternateScreen = "\u{1B}[?1049h\u{1B}[?25l"
    private static let leaveAlternateScreen = "\u{1B}[?25h\u{1B}[?1049l"
    private static let home = "\u{1B}[H"
    private static let clearToEndOfLine = "\u{1B}[K"
    private static let clearBelow = "\u{1B}[J"

    private let mode: Mode
    /// Whether refreshes show anything (and so need what each interval added).
    var showsIntervals: Bool { mode != .silent }
    private let sort: SortKey
    private let pathFilter: PathFilter
    private let devices: DeviceSelection
    private let grouping: GroupBy
    private var open = false

    init(mode: Mode, sort: SortKey, pathFilter: PathFilter, devices: DeviceSelection, grouping: GroupBy) {
        self.mode = mode
        self.sort = sort
        self.pathFilter = pathFilter
        self.devices = devices
        self.grouping = grouping
    }

    func refresh(aggregate: inout TraceAggregate, intervalSeconds: Double, elapsedSeconds: Double,
                 hook: HookKind, counters: KernelCounters, eventsPerSecond: Double, deviceHistory: DeviceHistory) {
        let interval = aggregate.takeInterval()
        guard mode != .silent else { return }
        let size = terminalSize()
        let view = LiveView(sort: sort, pathFilter: pathFilter, devices: devices, grouping: grouping, width: size.columns,
                            height: mode == .terminal ? size.rows : 1 + 1 + 1 + 20)
        let lines = view.render(aggregate: aggregate, interval: interval, intervalSeconds: intervalSeconds,
                                elapsedSeconds: elapsedSeconds, hook: hook, counters: counters,
                                eventsPerSecond: eventsPerSecond, deviceHistory: deviceHistory)
        switch mode {
        case .terminal:
            if !open {
                StandardStreams.writeOutput(Self.enterAlternateScreen)
                open = true
            }
            StandardStreams.writeOutput(Self.home + lines.map { $0 + Self.clearToEndOfLine }.joined(separator: "\n") + Self.clearBelow)
        case .plain:
            StandardStreams.writeOutput(lines.joined(separator: "\n") + "\n\n")
        case .silent:
            break
        }
    }

    /// Leaves the alternate screen, so the summary lands in the normal scrollback.
    func close() {
        guard open else { return }
        StandardStreams.writeOutput(Self.leaveAlternateScreen)
        open = false
    }

    /// The summary table, then the load timeline and storm summary drawn from the run's dump,
    /// each showing the rows `rows` allows.
    func summary(aggregate: TraceAggregate, metadata: RunMetadata, deviceHistory: DeviceHistory,
                 blockReads: [String: DeviceReadCounters], dump: DumpDocument, rule: LoadRule, rows: RowPolicy) -> String {
        let width = terminalSize().columns
        var text = SummaryReport(sort: sort, pathFilter: pathFilter, devices: devices, grouping: grouping, rowPolicy: rows, width: width)
            .render(aggregate: aggregate, metadata: metadata, deviceHistory: deviceHistory, blockReads: blockReads)
        let timeline = LoadTimeline(width: width, rule: rule, rowPolicy: rows).render(dump)
        if !timeline.isEmpty { text += "\n" + timeline.joined(separator: "\n") + "\n" }
        for paragraph in StormSummary.paragraphs(dump, rule: rule) {
            text += "\n" + TextFormat.wrap(paragraph, width: width, indent: 2).joined(separator: "\n") + "\n"
        }
        return text
    }

    /// The terminal's size, or 160×50 when output is not a terminal.
    private func terminalSize() -> (columns: Int, rows: Int) {
        var size = winsize()
        guard mode == .terminal, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
            return (160, 50)
        }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}
