import Glibc
import ReadTraceCore

/// Where the live view goes: a redrawn terminal screen that takes keys, plain periodic text, or nowhere.
final class LiveScreen: IntervalConsumer {
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
    /// Rows of plain output per refresh, when no terminal says how many fit.
    private static let plainRows = 20

    private let mode: Mode
    /// Whether refreshes show anything (and so need what each interval added).
    var showsIntervals: Bool { mode != .silent }
    /// Sort, help and pause as the keys left them.
    private var view: LiveView
    private let keyboard: KeyboardInput?
    /// The last refresh's rows, drawn again when a key changes the view.
    private var frame: LiveFrame?
    private var open = false
    /// The user pressed q: the session ends the run as on Ctrl-C.
    private(set) var quitRequested = false

    init(mode: Mode, sort: SortKey, pathFilter: PathFilter, devices: DeviceSelection, grouping: GroupBy, rows: RowPolicy) {
        self.mode = mode
        view = LiveView(sort: sort, pathFilter: pathFilter, devices: devices, grouping: grouping, rowPolicy: rows, width: 0, height: 0)
        view.isRunning = ProcFS.isRunning
        keyboard = mode == .terminal ? KeyboardInput() : nil
        view.acceptsKeys = keyboard != nil
    }

    /// Descriptors the event loop should wake up for: the keyboard's, while it is open.
    var inputDescriptors: [Int32] { keyboard?.descriptor.map { [$0] } ?? [] }

    func refresh(with snapshot: IntervalSnapshot) {
        guard mode != .silent, !view.isPaused else { return }
        frame = view.frame(
            aggregate: snapshot.aggregate, interval: snapshot.interval, intervalSeconds: snapshot.intervalSeconds,
            elapsedSeconds: snapshot.elapsedSeconds, hook: snapshot.hook, counters: snapshot.counters,
            eventsPerSecond: snapshot.eventsPerSecond, deviceHistory: snapshot.deviceHistory)
        draw()
    }

    /// Applies the keys pressed since the last call and redraws; call once per wake-up.
    func handleKeys() {
        guard let keyboard else { return }
        let commands = KeyCommand.commands(in: keyboard.take())
        guard !commands.isEmpty else { return }
        for command in commands {
            if command == .quit { quitRequested = true }
            view.apply(command)
        }
        draw()
    }

    private func draw() {
        guard let frame else { return }
        let size = mode == .terminal ? TerminalSize.ofStandardOutput() ?? .fallback : .fallback
        view.width = size.columns
        // Plain output has no screen to fit: the header, devices and a fixed number of rows.
        view.height = mode == .terminal ? size.rows : Self.plainRows + 6 + frame.deviceLineCount
        let lines = view.render(frame)
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

    /// Gives the terminal its settings and its normal screen back, so the summary lands in the
    /// scrollback; the session calls it on every way out of tracing.
    func close() {
        keyboard?.close()
        guard open else { return }
        StandardStreams.writeOutput(Self.leaveAlternateScreen)
        open = false
    }

    /// The summary table, then the load timeline and storm summary drawn from the run's dump,
    /// each showing the rows `rows` allows.
    func summary(
        aggregate: TraceAggregate, metadata: RunMetadata, deviceHistory: DeviceHistory,
        blockReads: [String: DeviceReadCounters], dump: DumpDocument, rule: LoadRule, rows: RowPolicy
    ) -> String {
        // The summary lands on standard output whatever the live view did (silent while a
        // command keeps the terminal, plain on a dumb one): it fits the terminal if there is one.
        let width = (TerminalSize.ofStandardOutput() ?? .fallback).columns
        var text = SummaryReport(
            sort: view.sort, pathFilter: view.pathFilter, devices: view.devices, grouping: view.grouping,
            rowPolicy: rows, width: width
        )
        .render(aggregate: aggregate, metadata: metadata, deviceHistory: deviceHistory, blockReads: blockReads)
        let timeline = LoadTimeline(width: width, rule: rule, rowPolicy: rows).render(dump)
        if !timeline.isEmpty { text += "\n" + timeline.joined(separator: "\n") + "\n" }
        let daemons = FuseDaemonSummary.lines(dump)
        if !daemons.isEmpty { text += "\n" + daemons.map { TextFormat.fit($0, width: width) }.joined(separator: "\n") + "\n" }
        for paragraph in StormSummary.paragraphs(dump, rule: rule) {
            text += "\n" + TextFormat.wrap(paragraph, width: width, indent: 2).joined(separator: "\n") + "\n"
        }
        let phases = PhaseReport.breakdown(dump, width: width)
        if !phases.isEmpty { text += "\n" + phases.joined(separator: "\n") + "\n" }
        return text
    }
}
