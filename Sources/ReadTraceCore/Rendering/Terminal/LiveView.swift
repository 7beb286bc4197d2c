/// One screen of the live view: a header with the run's state, then one row per
/// (process, file), those active in the last interval first.
public struct LiveView {
    public var sort: SortKey
    public var pathFilter: PathFilter
    public var devices: DeviceSelection
    public var grouping: GroupBy
    public var width: Int
    public var height: Int

    public init(sort: SortKey, pathFilter: PathFilter, devices: DeviceSelection = .auto, grouping: GroupBy = .process,
                width: Int, height: Int) {
        self.sort = sort
        self.pathFilter = pathFilter
        self.devices = devices
        self.grouping = grouping
        self.width = width
        self.height = height
    }

    public func render(aggregate: TraceAggregate, interval: InsertionOrderedTable<ReadKey, IntervalStats>, intervalSeconds: Double,
                       elapsedSeconds: Double, hook: HookKind, counters: KernelCounters,
                       eventsPerSecond: Double, deviceHistory: DeviceHistory? = nil) -> [String] {
        var header = "readtrace  elapsed \(TextFormat.elapsed(seconds: elapsedSeconds))  hook \(hook.rawValue)"
            + "  events \(TextFormat.count(eventsPerSecond))/s  lost \(counters.eventsLost)"
        if counters.eventsLost > 0 { header += "  LOST \(counters.eventsLost) EVENTS (ring buffer full)" }
        if counters.skippedProgramRuns > 0 { header += "  SKIPPED \(counters.skippedProgramRuns) RUNS" }

        let ungrouped = aggregate.reads.compactMap { key, stats -> ReadRow? in
            guard aggregate.isShown(key.file, by: pathFilter) else { return nil }
            let recent = interval[key]
            return ReadRow(key: key, comm: aggregate.comm(of: key.pid), path: aggregate.tablePath(of: key.file),
                           calls: recent?.calls ?? 0, bytes: recent?.bytes ?? 0, errors: stats.errors,
                           cacheMissBytes: recent?.cacheMissBytes ?? 0, blockBytes: recent?.blockBytes ?? 0,
                           blockLatency: recent?.blockLatency ?? stats.blockLatency, totalBytes: stats.bytes, latency: recent?.latency ?? stats.latency,
                           seconds: intervalSeconds, active: recent != nil)
        }
        let rows = ReadRow.grouped(ungrouped, by: grouping, in: aggregate).sorted { ReadRow.areInOrder($0, $1, by: sort) }

        let layout = TableLayout(columns: Column.readers(grouping) + [.reads, .bytes, .rate, .cacheMiss, .disk, .latency("P50", 0.5),
                                           .latency("P99", 0.99), .diskLatency("DISK50", 0.5), .diskLatency("DISK99", 0.99), .total],
                                 droppable: ["TOTAL", "DISK50", "P50", "MISS", "COMM", "MB/s", "DISK99"], width: width)
        let shownDevices = deviceHistory.map {
            $0.devices(devices, holding: aggregate.fileDevices(shownBy: pathFilter), latestOnly: true).map { ($0.name, $0.latest) }
        } ?? []
        var lines = [String(header.prefix(width)), ""]
        let deviceLines = DeviceTable.lines(shownDevices, width: width)
        if !deviceLines.isEmpty { lines += deviceLines + [""] }
        lines.append(layout.header())
        let room = max(1, height - lines.count)
        if rows.count <= room {
            lines += rows.map(layout.render)
        } else {
            lines += rows.prefix(room - 1).map(layout.render)
            lines.append("… \(rows.count - (room - 1)) more")
        }
        if rows.isEmpty { lines.append("(no reads yet)") }
        return lines
    }
}
