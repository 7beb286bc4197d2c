/// Several dumps as one, on one wall clock (`readtrace report A B ...`): the nodes of one storm,
/// or one node's dumps over days. Each source keeps its processes, files and devices, marked
/// with its host's label; times move to the earliest start; file ids are renumbered; device
/// names take the label as a prefix ("node-a:nvme0n1"), since every host has its own nvme0n1
/// and the storm summary and timelines group loads by device.
public enum DumpMerge {
    /// Why the dumps cannot be merged: the dump (by position) and the field.
    public struct Refusal: Error, Equatable {
        public var index: Int
        public var problem: String
    }

    public static func merge(_ dumps: [DumpDocument]) throws(Refusal) -> DumpDocument {
        precondition(!dumps.isEmpty, "merge needs a dump")
        var starts: [Double] = []
        for (index, dump) in dumps.enumerated() {
            if dump.mergedFrom != nil {
                throw Refusal(index: index, problem: "merged_from: a merged dump; give the dumps it was merged from")
            }
            guard let start = DumpDocument.unixSeconds(iso8601: dump.startedAt) else {
                throw Refusal(index: index, problem: "started_at: '\(dump.startedAt)' is not a time such as 2026-11-24T22:44:09.123Z")
            }
            if dump.loadedShare != dumps[0].loadedShare {
                throw Refusal(
                    index: index,
                    problem:
                        "loaded_share: \(dump.loadedShare) is not the first dump's \(dumps[0].loadedShare) (--loaded-at), so load_s means another thing"
                )
            }
            starts.append(start)
        }
        let origin = starts.min() ?? 0
        let first = dumps[starts.firstIndex(of: origin) ?? 0]
        let labels = Self.labels(dumps.map(\.host.hostname))
        let sameHook = dumps.allSatisfy { $0.hook == first.hook }
        var merged = DumpDocument(
            schemaVersion: DumpDocument.currentSchemaVersion, toolVersion: ReadTraceVersion.current, host: first.host,
            hook: first.hook,
            hookAccuracy: sameHook ? first.hookAccuracy : "merged from dumps traced with different hooks: see merged_from[].hook",
            loadedShare: first.loadedShare, startedAt: first.startedAt, durationSeconds: 0,
            filters: DumpDocument.Filters(comm: [], pid: [], cgroup: [], path: [], pod: [], container: []),
            eventsEmitted: 0, lostEvents: 0, skippedProgramRuns: 0, processes: [], files: [], reads: [], devices: [],
            diskstatsSkippedLines: 0, mergedFrom: [])
        for (index, dump) in dumps.enumerated() {
            let offset = DumpDocument.rounded(starts[index] - origin, decimals: 3)
            add(dump, label: labels[index], offset: offset, to: &merged)
        }
        // Marked spans in the order they started, on every host.
        merged.marks?.sort { $0.startSeconds < $1.startSeconds }
        return merged
    }

    private static func add(_ dump: DumpDocument, label: String, offset: Double, to merged: inout DumpDocument) {
        func shifted(_ seconds: Double) -> Double { DumpDocument.rounded(seconds + offset, decimals: 6) }
        func qualified(_ name: String) -> String { label + ":" + name }
        merged.mergedFrom?.append(
            DumpDocument.MergedSource(
                label: label, host: dump.host, toolVersion: dump.toolVersion, hook: dump.hook, startedAt: dump.startedAt,
                offsetSeconds: offset, durationSeconds: dump.durationSeconds, eventsEmitted: dump.eventsEmitted,
                lostEvents: dump.lostEvents, skippedProgramRuns: dump.skippedProgramRuns))
        merged.durationSeconds = max(merged.durationSeconds, DumpDocument.rounded(offset + dump.durationSeconds, decimals: 3))
        merged.eventsEmitted += dump.eventsEmitted
        merged.lostEvents += dump.lostEvents
        merged.skippedProgramRuns += dump.skippedProgramRuns
        merged.diskstatsSkippedLines += dump.diskstatsSkippedLines
        func union<Value: Equatable>(_ values: inout [Value], _ more: [Value]) {
            for value in more where !values.contains(value) { values.append(value) }
        }
        union(&merged.filters.comm, dump.filters.comm)
        union(&merged.filters.pid, dump.filters.pid)
        union(&merged.filters.cgroup, dump.filters.cgroup)
        union(&merged.filters.path, dump.filters.path)
        union(&merged.filters.pod, dump.filters.pod)
        union(&merged.filters.container, dump.filters.container)

        merged.processes += dump.processes.map { process in
            var process = process
            process.host = label
            return process
        }
        var fileIDs: [Int: Int] = [:]
        for file in dump.files {
            var file = file
            let id = merged.files.count + 1
            fileIDs[file.fileID] = id
            file.fileID = id
            file.host = label
            file.deviceName = file.deviceName.map(qualified)
            file.diskName = file.diskName.map(qualified)
            merged.files.append(file)
        }
        merged.reads += dump.reads.map { read in
            var read = read
            read.fileID = fileIDs[read.fileID] ?? 0
            read.firstReadSeconds = shifted(read.firstReadSeconds)
            read.lastReadSeconds = shifted(read.lastReadSeconds)
            // Buckets count from the run's start: the nearest whole number of empty buckets moves
            // them to the merged start (within half a bucket).
            let bucket = read.timeline.bucketSeconds
            let empty = bucket > 0 ? Int((offset / bucket).rounded()) : 0
            read.timeline.readBytes = read.timeline.readBytes.delayed(by: empty)
            read.timeline.blockReadBytes = read.timeline.blockReadBytes.delayed(by: empty)
            return read
        }
        addMarks(of: dump, label: label, shifted: shifted, to: &merged)
        merged.devices += dump.devices.map { device in
            var device = device
            device.host = label
            device.name = qualified(device.name)
            device.disk = qualified(device.disk)
            device.samples = device.samples.map { sample in
                var sample = sample
                sample.seconds = shifted(sample.seconds)
                return sample
            }
            return device
        }
    }

    /// The dump's markers (one entry for a marker every host defined alike), its spans and
    /// breakdowns on the merged clock with their host.
    private static func addMarks(
        of dump: DumpDocument, label: String, shifted: (Double) -> Double, to merged: inout DumpDocument
    ) {
        guard let markers = dump.markers else { return }
        var known = merged.markers ?? []
        for marker in markers where !known.contains(marker) { known.append(marker) }
        merged.markers = known
        merged.marks =
            (merged.marks ?? [])
            + (dump.marks ?? []).map { mark in
                var mark = mark
                mark.host = label
                mark.startSeconds = shifted(mark.startSeconds)
                return mark
            }
        merged.phaseBreakdown =
            (merged.phaseBreakdown ?? [])
            + (dump.phaseBreakdown ?? []).map { breakdown in
                var breakdown = breakdown
                breakdown.host = label
                breakdown.windowStartSeconds = shifted(breakdown.windowStartSeconds)
                return breakdown
            }
    }

    /// Each dump's hostname, fit to prefix a device name (no blank, control character, ':' or
    /// '#') and made unique: the second dump of "node-a" is "node-a#2".
    static func labels(_ hostnames: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return hostnames.map { hostname in
            var name = String(
                String.UnicodeScalarView(
                    hostname.unicodeScalars.map { scalar in
                        scalar.properties.isWhitespace || TerminalText.isControl(scalar) || scalar == ":" || scalar == "#" ? "_" : scalar
                    }))
            if name.isEmpty { name = "host" }
            let count = (seen[name] ?? 0) + 1
            seen[name] = count
            return count == 1 ? name : "\(name)#\(count)"
        }
    }
}
