/// The table printed when tracing ends: every (process, file) over the whole run.
public struct SummaryReport {
    public var sort: SortKey
    public var pathFilter: PathFilter
    public var devices: DeviceSelection
    public var grouping: GroupBy
    /// The first rows by `sort`; the rest are summed in one line.
    public var rowPolicy: RowPolicy
    public var width: Int

    public init(
        sort: SortKey, pathFilter: PathFilter, devices: DeviceSelection = .auto, grouping: GroupBy = .process,
        rowPolicy: RowPolicy = RowPolicy(), width: Int
    ) {
        self.sort = sort
        self.pathFilter = pathFilter
        self.devices = devices
        self.grouping = grouping
        self.rowPolicy = rowPolicy
        self.width = width
    }

    /// `blockReads`: the kernel's block read counts by device name, shown under the device table.
    public func render(
        aggregate: TraceAggregate, metadata: RunMetadata, deviceHistory: DeviceHistory? = nil,
        blockReads: [String: DeviceReadCounters] = [:]
    ) -> String {
        var lines = [
            "readtrace summary: \(TextFormat.elapsed(seconds: metadata.durationSeconds)) traced with "
                + "\(metadata.hook.rawValue) hooks, \(metadata.counters.eventsEmitted) events, \(metadata.counters.eventsLost) lost"
        ]
        if metadata.counters.eventsLost > 0 {
            lines.append("WARNING: \(metadata.counters.eventsLost) events were lost (ring buffer full): the figures below are low")
        }
        if metadata.counters.skippedProgramRuns > 0 {
            lines.append(
                "WARNING: the kernel skipped readtrace's programs \(metadata.counters.skippedProgramRuns) times (already running "
                    + "on that CPU when an interrupt came): some reads or block completions were not seen")
        }
        let ungrouped = ReadRow.rows(of: aggregate, shownBy: pathFilter)
        let rows = ReadRow.grouped(ungrouped, by: grouping, in: aggregate).sorted { ReadRow.areInOrder($0, $1, by: sort) }
        guard !rows.isEmpty else {
            lines.append("no reads of regular files matched the filters")
            return lines.joined(separator: "\n") + "\n"
        }
        // PREFETCH only when something was prefetched; hidden before the read columns, the
        // totals line then carries it.
        let prefetched = rows.reduce(0) { $0 + $1.prefetchBytes }
        let layout = TableLayout(
            columns: Column.readers(grouping) + [.reads, .errors, .bytes, .rate, .cacheMiss, .disk]
                + (prefetched > 0 ? [.prefetch] : []) + [.p50, .p90, .p99, .maximum, .disk50, .disk99, .file],
            dropOrder: [.p90, .maximum, .errors, .disk50, .prefetch, .p50, .cacheMiss, .comm, .rate, .disk99], width: width)
        if let deviceHistory {
            let shown = deviceHistory.devices(devices, holding: aggregate.fileDevices(shownBy: pathFilter), latestOnly: false)
            let deviceLines = DeviceTable.lines(shown.map { ($0.name, $0.totals) }, width: width)
            if !deviceLines.isEmpty { lines += [""] + deviceLines }
            lines += shown.flatMap { device -> [String] in
                guard let reads = blockReads[device.name] else { return [] }
                let unseen = reads.unseenBytes(diskstatsReadBytes: device.totals.readBytes).map {
                    "\(device.name): diskstats counted \(TextFormat.bytes($0)) more read: the kernel did not run readtrace's "
                        + "block programs for some completions (DISK low by up to that)"
                }
                // Wrapped, not cut: at 80 columns the counts at the end are the ones that matter.
                return (["\(device.name): \(reads.summary)"] + (unseen.map { [$0] } ?? [])).flatMap {
                    TextFormat.wrap($0, width: width, indent: 2)
                }
            }
        }
        let selection = RowSelection(rows, policy: rowPolicy, limit: rowPolicy.tableLimit, bytes: \.bytes)
        lines += [""] + [layout.header()] + selection.shown.map(layout.render)
        if let rest = selection.restLine("rows", bytes: \.bytes) {
            lines.append(
                TextFormat.fit(rest + " in \(selection.rest.reduce(0) { $0 + $1.calls }) reads (--top, --min-bytes)", width: width))
        }
        let bytes = rows.reduce(0) { $0 + $1.bytes }
        let calls = rows.reduce(0) { $0 + $1.calls }
        lines.append("")
        let files = Set(ungrouped.map(\.key.file)).count
        let processes = Set(ungrouped.map(\.key.pid)).count
        lines.append(
            "\(TextFormat.bytes(bytes)) in \(calls) reads of \(files) file\(files == 1 ? "" : "s") "
                + "by \(processes) process\(processes == 1 ? "" : "es")"
                + (layout.hidden.contains(.prefetch) ? "; \(TextFormat.bytes(prefetched)) prefetched (not read)" : ""))
        return lines.joined(separator: "\n") + "\n"
    }
}
