/// One screen of the live view: a header with the run's state, the devices, then one row per
/// (process, file), those active in the last interval first, as many as fit; the rest summed
/// in one line, then the totals and a legend. Or, on request, the help.
public struct LiveView {
    public var sort: SortKey
    public var pathFilter: PathFilter
    public var devices: DeviceSelection
    public var grouping: GroupBy
    public var rowPolicy: RowPolicy
    public var width: Int
    public var height: Int
    /// Whether keys work (a terminal): the legend then names them.
    public var acceptsKeys = false
    public var showsHelp = false
    public var isPaused = false
    /// Whether a process is still running; asked only for the rows shown.
    public var isRunning: (Int32) -> Bool = { _ in true }

    public init(
        sort: SortKey, pathFilter: PathFilter, devices: DeviceSelection = .auto, grouping: GroupBy = .process,
        rowPolicy: RowPolicy = RowPolicy(), width: Int, height: Int
    ) {
        self.sort = sort
        self.pathFilter = pathFilter
        self.devices = devices
        self.grouping = grouping
        self.rowPolicy = rowPolicy
        self.width = width
        self.height = height
    }

    /// Columns in the order they are dropped when the width runs short: detail first, then who.
    /// BYTES, MiB/s, DONE, ETA, FILE, the state and the reader's id always stay, and so does the sort column.
    static let dropOrder: [Column] = [.size, .p50, .disk50, .cacheMiss, .reads, .total, .p99, .disk99, .disk, .pod, .comm]

    public func frame(
        aggregate: TraceAggregate, interval: InsertionOrderedTable<ReadKey, IntervalStats>, intervalSeconds: Double,
        elapsedSeconds: Double, hook: HookKind, counters: KernelCounters,
        eventsPerSecond: Double, deviceHistory: DeviceHistory? = nil
    ) -> LiveFrame {
        var status =
            "elapsed \(TextFormat.elapsed(seconds: elapsedSeconds))  hook \(hook.rawValue)"
            + "  events \(TextFormat.count(eventsPerSecond))/s  lost \(counters.eventsLost)"
        if counters.eventsLost > 0 { status += "  LOST \(counters.eventsLost) EVENTS (ring buffer full)" }
        if counters.skippedProgramRuns > 0 { status += "  SKIPPED \(counters.skippedProgramRuns) RUNS" }
        let ungrouped = ReadRow.rows(of: aggregate, shownBy: pathFilter, interval: (interval, intervalSeconds))
        let shownDevices =
            deviceHistory.map {
                $0.devices(devices, holding: aggregate.fileDevices(shownBy: pathFilter), latestOnly: true).map { ($0.name, $0.latest) }
            } ?? []
        var members: [String: [Int32]] = [:]
        if grouping != .process {
            for pid in aggregate.processes.keys { members[aggregate.groupLabel(of: pid, by: grouping), default: []].append(pid) }
        }
        return LiveFrame(
            status: status, deviceLines: DeviceTable.lines(shownDevices, width: .max),
            rows: ReadRow.grouped(ungrouped, by: grouping, in: aggregate),
            nowNanoseconds: aggregate.startNanoseconds + UInt64(max(0, elapsedSeconds) * 1e9),
            files: Set(ungrouped.map(\.key.file)).count, processes: Set(ungrouped.map(\.key.pid)).count,
            groupMembers: members)
    }

    public func render(
        aggregate: TraceAggregate, interval: InsertionOrderedTable<ReadKey, IntervalStats>, intervalSeconds: Double,
        elapsedSeconds: Double, hook: HookKind, counters: KernelCounters,
        eventsPerSecond: Double, deviceHistory: DeviceHistory? = nil
    ) -> [String] {
        render(
            frame(
                aggregate: aggregate, interval: interval, intervalSeconds: intervalSeconds, elapsedSeconds: elapsedSeconds,
                hook: hook, counters: counters, eventsPerSecond: eventsPerSecond, deviceHistory: deviceHistory))
    }

    public func render(_ frame: LiveFrame) -> [String] {
        let layout = layout(for: frame)
        var lines = [header(frame), ""]
        if showsHelp { return Array((lines + help(layout)).prefix(max(height, 1))) }
        if !frame.deviceLines.isEmpty { lines += frame.deviceLines.map { String($0.prefix(width)) } + [""] }

        lines.append(
            layout.header(
                fileNote: layout.hidden.isEmpty
                    ? ""
                    : " (\(layout.hidden.count) column\(layout.hidden.count == 1 ? "" : "s") hidden\(acceptsKeys ? ": ?" : ""))"))
        guard !frame.rows.isEmpty else { return lines + ["(no reads yet)"] }
        let rows = frame.rows.sorted { ReadRow.areInOrder($0, $1, by: sort) }
        // Below the rows: the rest's line (counted in the room), the totals and the legend.
        let selection = RowSelection(
            rows, policy: rowPolicy, room: max(1, height - lines.count - 2), bytes: \.totalBytes,
            idleNanoseconds: { frame.nowNanoseconds &- min(frame.nowNanoseconds, $0.lastReadNanoseconds) })
        lines += selection.shown.map { row in
            var row = row
            row.ended = !(frame.groupMembers[row.group] ?? [row.key.pid]).contains(where: isRunning)
            return layout.render(row)
        }
        if !selection.rest.isEmpty {
            var rest = ReadRow.sum(of: selection.rest)
            let idle = selection.idle > 0 ? " (\(selection.idle) idle)" : ""
            rest.path = "… \(selection.rest.count) more, \(TextFormat.bytes(rest.totalBytes))\(idle)"
            lines.append(layout.render(rest))
        }
        var total = ReadRow.sum(of: rows)
        total.path = "all \(rows.count) row\(rows.count == 1 ? "" : "s"), \(frame.processes) process\(frame.processes == 1 ? "" : "es")"
        lines.append(layout.render(total))
        lines.append(String(legend.prefix(width)))
        return lines
    }

    /// The pod column only when some reader is in a pod and rows do not already stand for pods.
    func layout(for frame: LiveFrame) -> TableLayout {
        let pods: [Column] = grouping != .pod && frame.rows.contains { $0.pod != nil } ? [.pod] : []
        let readers = Column.readers(grouping)
        let columns =
            Array(readers.prefix(1)) + [.state] + readers.dropFirst() + pods
            + [.reads, .bytes, .rate, .cacheMiss, .disk, .p50, .p99, .disk50, .disk99, .total, .size, .done, .eta, .file]
        return TableLayout(
            columns: columns, dropOrder: Self.dropOrder, width: width,
            sortedBy: Column.sorted(by: sort, grouping: grouping))
    }

    private func header(_ frame: LiveFrame) -> String {
        String(("readtrace  " + frame.status + (isPaused ? "  PAUSED" : "")).prefix(width))
    }

    /// Every key and every column explained, the hidden columns too.
    private func help(_ layout: TableLayout) -> [String] {
        let keys =
            acceptsKeys
            ? [
                "Keys: ? help (Esc closes)  p or space pause  q quit (summary, files: as Ctrl-C)",
                "      s > next sort  S < previous  b t r l i f: bytes total reads p99 pid file",
                "",
            ] : []
        let shown = layout.columns
        let all = shown + layout.hidden
        let columns = Column.allCases.filter(all.contains).map { column in
            let title = column.title + String(repeating: " ", count: max(0, 7 - column.title.count))
            return "  \(title) " + (shown.contains(column) ? "" : "[hidden] ") + column.meaning
        }
        return (keys + ["Columns (sorted by \(sort.rawValue)):"] + columns).map { String($0.prefix(width)) }
    }

    private var legend: String {
        let keys = acceptsKeys ? "  ? help s sort p pause q quit" : ""
        return "S: R reading I idle E ended  K/M/G: KiB/MiB/GiB" + keys
    }
}
