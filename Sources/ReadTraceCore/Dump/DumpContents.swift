#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A run's dump drawn from its aggregate: the small parts at once, each read and file when
/// asked for. A run with 100,000 files makes a dump of about 70 MB, which as a `DumpDocument`
/// and then as an encoder's tree takes several times that; `write(to:)` never holds more
/// than one read or file.
public struct DumpContents {
    /// The dump without its reads and files.
    public private(set) var outline: DumpDocument
    private let aggregate: TraceAggregate
    /// Positions in `aggregate.reads` of the reads shown, in dump order: most bytes first.
    private let readPositions: [Int]
    /// Positions in `aggregate.files` of the files those reads are of.
    private let filePositions: [Int]
    private let durationNanoseconds: UInt64
    /// Whether the hook timed each call (not the light hook's).
    private let timed: Bool
    private let deviceHistory: DeviceHistory?
    private let topology: BlockDeviceTopology

    /// The (process, file) pairs whose file matches `pathFilter`, the files they read and the
    /// processes that read them.
    public init(
        aggregate: TraceAggregate, metadata: RunMetadata, pathFilter: PathFilter,
        deviceHistory: DeviceHistory? = nil, topology: BlockDeviceTopology = BlockDeviceTopology(),
        deviceReads: [DeviceNumber: DeviceReadCounters] = [:]
    ) {
        self.aggregate = aggregate
        self.deviceHistory = deviceHistory
        self.topology = topology
        durationNanoseconds = UInt64(max(metadata.durationSeconds, 0) * 1e9)
        timed = metadata.hook.timesReads

        let shown = Self.shownEntries(of: aggregate, pathFilter: pathFilter)
        readPositions = shown.readPositions
        filePositions = shown.filePositions
        let fileDevices = Set(filePositions.compactMap { deviceHistory?.device(numbered: aggregate.files.keys[$0].device)?.name })
        let filters = metadata.filters
        outline = DumpDocument(
            schemaVersion: DumpDocument.currentSchemaVersion, toolVersion: metadata.toolVersion,
            host: DumpDocument.Host(hostname: metadata.host.hostname, kernel: metadata.host.kernel, bootID: metadata.host.bootID),
            hook: metadata.hook, hookAccuracy: metadata.hook.accuracy, loadedShare: aggregate.loadedShare,
            startedAt: DumpDocument.iso8601(unixSeconds: metadata.startedAtUnixSeconds),
            durationSeconds: DumpDocument.rounded(metadata.durationSeconds, decimals: 3),
            filters: DumpDocument.Filters(
                comm: filters.comms, pid: filters.pids, cgroup: filters.cgroups, path: filters.paths,
                pod: filters.pods, container: filters.containers),
            eventsEmitted: metadata.counters.eventsEmitted, lostEvents: metadata.counters.eventsLost,
            skippedProgramRuns: metadata.counters.skippedProgramRuns,
            processes: shown.readers.sorted().map { Self.process($0, in: aggregate) }, files: [], reads: [],
            devices: Self.devices(deviceHistory, holding: fileDevices, topology: topology, deviceReads: deviceReads),
            diskstatsSkippedLines: deviceHistory?.skippedLines ?? 0)
        if !metadata.markers.isEmpty {
            let markers = metadata.markers
            outline.markers = markers.map { DumpDocument.Marker(name: $0.name, definition: $0.description) }
            outline.marks = PhaseAnalysis.marks(of: aggregate, markers: markers)
            outline.phaseBreakdown = PhaseAnalysis.breakdowns(of: aggregate, markers: markers)
            // Processes seen only in marked calls are described too.
            let described = Set(outline.processes.map(\.pid))
            let marked = Set(outline.marks?.map(\.pid) ?? []).subtracting(described)
            outline.processes = (described.union(marked)).sorted().map { Self.process($0, in: aggregate) }
        }
    }

    /// The positions of the reads whose file `pathFilter` shows (most bytes first), of their
    /// files (in the order first seen), and the processes that made them.
    private static func shownEntries(
        of aggregate: TraceAggregate, pathFilter: PathFilter
    )
        -> (readPositions: [Int], filePositions: [Int], readers: Set<Int32>)
    {
        var fileIsShown = [Bool](repeating: false, count: aggregate.files.count)
        var readOrder: [(bytes: UInt64, pid: Int32, filePosition: Int, position: Int)] = []
        for (position, (key, stats)) in aggregate.reads.enumerated() where aggregate.isShown(key.file, by: pathFilter) {
            guard let filePosition = aggregate.files.position(of: key.file) else { continue }
            fileIsShown[filePosition] = true
            readOrder.append((stats.bytes, key.pid, filePosition, position))
        }
        readOrder.sort { ($1.bytes, $0.pid, $0.filePosition) < ($0.bytes, $1.pid, $1.filePosition) }
        return (readOrder.map(\.position), fileIsShown.indices.filter { fileIsShown[$0] }, Set(readOrder.map(\.pid)))
    }

    /// The devices that did IO during the run or hold a file shown, with their diskstats
    /// figures and what the block programs counted on them.
    private static func devices(
        _ history: DeviceHistory?, holding fileDevices: Set<String>, topology: BlockDeviceTopology,
        deviceReads: [DeviceNumber: DeviceReadCounters]
    ) -> [DumpDocument.Device] {
        let knownDevices = history?.devices ?? []
        let blockReadsByName = DeviceReadCounters.byName(deviceReads, devices: knownDevices, topology: topology)
        return knownDevices.filter { $0.totals.hadIO || fileDevices.contains($0.name) }.map { device in
            let totals = device.totals
            let reads = blockReadsByName[device.name] ?? DeviceReadCounters()
            return DumpDocument.Device(
                name: device.name, dev: device.device.description, disk: topology.disk(of: device.name),
                samples: device.samples.map(DumpDocument.Device.Sample.init),
                totals: DumpDocument.Device.Totals(
                    readIOs: totals.readIOs, readBytes: totals.readBytes, writeIOs: totals.writeIOs,
                    writeBytes: totals.writeBytes,
                    readAwaitMilliseconds: DumpDocument.rounded(totals.readAwaitMilliseconds, decimals: 3),
                    writeAwaitMilliseconds: DumpDocument.rounded(totals.writeAwaitMilliseconds, decimals: 3),
                    utilizationPercent: DumpDocument.rounded(totals.utilizationPercent, decimals: 3)),
                blockReadBytes: reads.readBytes, blockReadIOs: reads.readIOs,
                attributedBlockReadBytes: reads.attributedBytes, filteredBlockReadBytes: reads.filteredBytes,
                unattributedBlockReadBytes: reads.unattributedBytes)
        }
    }

    /// A process as the dump describes it, with its container and pod from its cgroup.
    private static func process(_ pid: Int32, in aggregate: TraceAggregate) -> DumpDocument.Process {
        let info = aggregate.processes[pid]
        let identity = info?.cgroupPath.map(ContainerIdentity.init(cgroupPath:))
        return DumpDocument.Process(
            pid: pid, parentPid: info?.record.parentPid ?? 0, comm: info?.record.comm ?? "?",
            cmdline: info?.cmdline, cgroup: info?.cgroupPath, containerID: identity?.containerID,
            podUID: identity?.podUID, containerRuntime: identity?.runtime,
            fuseServes: aggregate.fuseDaemons[pid].map { $0.map(\.description) })
    }

    /// The reads, most bytes first.
    public var reads: some Collection<DumpDocument.Read> { readPositions.lazy.map { read(at: $0) } }

    /// The reads, most bytes first, as the drawn outputs need them: with a timeline only where
    /// `rule` counts the read as a load (the only reads drawn over time). A timeline holds up
    /// to 1,000 buckets twice (16 KB); every entry's would make the end of a run with many
    /// short-lived processes several times larger than the tracing before it.
    public func reads(timelinesFor rule: LoadRule) -> some Collection<DumpDocument.Read> {
        readPositions.lazy.map { position in
            let (key, stats) = aggregate.reads[position]
            let file = aggregate.files[key.file]
            return read(
                at: position,
                withTimeline: rule.counts(
                    path: file?.displayPath, sizeBytes: file?.sizeBytes ?? 0, bytesRead: stats.bytes + stats.mmapFaultBytes))
        }
    }

    /// The files the reads are of, by dump id.
    public var files: some Collection<DumpDocument.File> { filePositions.lazy.map(file(at:)) }

    private func read(at position: Int, withTimeline: Bool = true) -> DumpDocument.Read {
        let (key, stats) = aggregate.reads[position]
        let start = aggregate.startNanoseconds
        let span = max(durationNanoseconds, stats.timeline.extentNanoseconds, stats.blockTimeline.extentNanoseconds)
        let series =
            withTimeline
            ? stats.timeline.series(durationNanoseconds: span)
            : (bucketSeconds: stats.timeline.bucketSeconds(durationNanoseconds: span), bytes: [])
        return DumpDocument.Read(
            pid: key.pid, fileID: aggregate.fileNumber(of: key.file) ?? 0, readCalls: stats.calls, readBytes: stats.bytes,
            errorCalls: stats.errors, cacheMissBytes: stats.cacheMissBytes, mmapFaultBytes: stats.mmapFaultBytes,
            mappedBytes: stats.mappedBytes, prefetchBytes: stats.prefetchBytes,
            blockReadBytes: stats.blockReadBytes, blockReadIOs: stats.blockReadIOs,
            blockLatencyMicroseconds: DumpDocument.Latency(stats.blockLatency),
            blockServiceMicroseconds: DumpDocument.Latency(stats.blockServiceLatency),
            firstReadSeconds: DumpDocument.seconds(stats.firstStartNanoseconds, since: start),
            lastReadSeconds: DumpDocument.seconds(stats.lastEndNanoseconds, since: start),
            loadSeconds: stats.loadedNanoseconds.map { DumpDocument.seconds($0, since: stats.firstStartNanoseconds) },
            spanSeconds: DumpDocument.seconds(stats.lastEndNanoseconds, since: stats.firstStartNanoseconds),
            throughputMiBPerSecond: stats.throughputMiBPerSecond,
            inReadFraction: timed ? stats.fractionOfSpan(stats.latency.totalNanoseconds) : nil,
            deviceWaitFraction: timed ? stats.fractionOfSpan(stats.deviceWaitNanoseconds) : nil,
            latencyMicroseconds: timed ? DumpDocument.Latency(stats.latency) : nil,
            timeline: DumpDocument.TimelineSeries(
                bucketSeconds: series.bucketSeconds, readBytes: BucketCounts(series.bytes),
                blockReadBytes: BucketCounts(withTimeline ? stats.blockTimeline.series(durationNanoseconds: span).bytes : [])))
    }

    private func file(at position: Int) -> DumpDocument.File {
        let (id, record) = aggregate.files[position]
        let deviceName = deviceHistory?.device(numbered: id.device)?.name
        let lower = aggregate.lowerFiles[id]
        return DumpDocument.File(
            fileID: position + 1, path: record.displayPath,
            pathBase64: record.pathIsUTF8 ? nil : Data(record.path).base64EncodedString(),
            dev: id.device.description, inode: id.inode, sizeBytes: record.sizeBytes, deleted: record.deleted,
            pathTruncated: record.pathIsTruncated ? true : nil, deviceName: deviceName, diskName: deviceName.map(topology.disk(of:)),
            lowerDev: lower?.device.description, lowerInode: lower?.inode, fsType: record.filesystemType,
            cachedAtStartBytes: record.cachedBytesAtFirstRead)
    }

    /// Writes the bytes `DumpDocument(self).encoded()` returns, in pieces, a read or a file at a time.
    public func write(to output: ([UInt8]) throws -> Void) throws {
        try DumpDocument.write(outline: outline, files: files, reads: reads, to: output)
    }
}
