/// What a dump must satisfy beyond its JSON types before anything is drawn from it: ids
/// that refer to entries, numbers that are finite and in the range a run can produce. A dump
/// is input anyone can hand to `readtrace report`; every problem becomes one line naming the
/// field ("reads[3].file_id: 999 refers to no file").
struct DumpValidation {
    /// No run lasts longer (about three years); keeps every time, and the columns drawn from it, in range.
    static let maximumSeconds = 1e8
    /// The dump's times are in milliseconds at the coarsest: a run is 0 or at least this long.
    static let shortestRun = 0.001
    /// Byte counts above 2^53 (8 PiB) are not a real run's, and are where doubles stop being exact.
    static let maximumBytes: UInt64 = 1 << 53
    /// A latency or wait in microseconds: at most the longest run.
    static let maximumMicroseconds = maximumSeconds * 1e6
    /// Rates (MiB/s, IO/s, queue depth, %): far above any device's.
    static let maximumRate = 1e12
    /// A timeline holds at most 1000 buckets when written; a hundred times that is not a dump's.
    static let maximumBuckets = 100_000
    /// A type and a FUSE subtype, each cut at 15 bytes by the kernel side, and the dot between.
    static let longestFilesystemType = 31

    /// "major:minor", as dumps write device numbers.
    static func isDeviceNumber(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.count <= 7 && $0.allSatisfy { ("0"..."9").contains($0) } }
    }

    private(set) var problems: [String] = []

    init(_ dump: DumpDocument) {
        check(dump)
    }

    // Fields are named only for a problem: a dump of 100,000 entries has millions of values,
    // and naming each as it was checked took a third of reading the dump.

    private mutating func problem(_ field: String, _ text: String) {
        problems.append("\(field): \(text)")
    }

    private mutating func seconds(_ field: @autoclosure () -> String, _ value: Double, upTo limit: Double = maximumSeconds) {
        if !value.isFinite || value < 0 || value > limit {
            problem(field(), "\(value) is not a time from 0 to \(limit) s")
        }
    }

    private mutating func amount(_ field: @autoclosure () -> String, _ value: Double, upTo limit: Double) {
        if !value.isFinite || value < 0 || value > limit {
            problem(field(), "\(value) is not a number from 0 to \(limit)")
        }
    }

    private mutating func bytes(_ field: @autoclosure () -> String, _ value: UInt64) {
        if value > Self.maximumBytes { problem(field(), "\(value) bytes is more than a run can read (\(Self.maximumBytes))") }
    }

    private mutating func latency(_ field: @autoclosure () -> String, _ latency: DumpDocument.Latency) {
        amount(field() + ".p50", latency.p50, upTo: Self.maximumMicroseconds)
        amount(field() + ".p90", latency.p90, upTo: Self.maximumMicroseconds)
        amount(field() + ".p99", latency.p99, upTo: Self.maximumMicroseconds)
        amount(field() + ".max", latency.max, upTo: Self.maximumMicroseconds)
        amount(field() + ".total", latency.total, upTo: Self.maximumMicroseconds)
    }

    private mutating func check(_ dump: DumpDocument) {
        let duration = dump.durationSeconds
        if !duration.isFinite || duration < 0 || duration > Self.maximumSeconds || (duration > 0 && duration < Self.shortestRun) {
            problem("duration_s", "\(duration) is not 0 or a time from \(Self.shortestRun) to \(Self.maximumSeconds) s")
        }
        if !(dump.loadedShare > 0 && dump.loadedShare <= 1) {
            problem("loaded_share", "\(dump.loadedShare) is not a share above 0 and at most 1")
        }
        if dump.diskstatsSkippedLines < 0 { problem("diskstats_skipped_lines", "\(dump.diskstatsSkippedLines) is negative") }

        // A merged dump's processes, files and devices name their host; pids are unique per host.
        let labels = Set((dump.mergedFrom ?? []).map(\.label))
        if let sources = dump.mergedFrom {
            if labels.count != sources.count { problem("merged_from", "two sources have one label") }
            for (index, source) in sources.enumerated() {
                seconds("merged_from[\(index)].offset_s", source.offsetSeconds)
                seconds("merged_from[\(index)].duration_s", source.durationSeconds)
            }
        }
        var pids = Set<DumpDocument.ProcessKey>()
        for (index, process) in dump.processes.enumerated() {
            let field = "processes[\(index)]"
            if process.pid <= 0 { problem("\(field).pid", "\(process.pid) is not a process id") }
            if !pids.insert(DumpDocument.ProcessKey(host: process.host, pid: process.pid)).inserted {
                problem("\(field).pid", "\(process.pid) is listed twice")
            }
            if process.parentPid < 0 { problem("\(field).parent_pid", "\(process.parentPid) is negative") }
            host(field, process.host, labels: labels)
            for (position, device) in (process.fuseServes ?? []).enumerated() where !Self.isDeviceNumber(device) {
                problem("\(field).fuse_serves[\(position)]", "not a device number (major:minor)")
            }
        }
        var fileHosts: [Int: String?] = [:]
        for (index, file) in dump.files.enumerated() {
            let field = "files[\(index)]"
            if file.fileID < 1 { problem("\(field).file_id", "\(file.fileID) is not an id (from 1)") }
            if fileHosts.updateValue(file.host, forKey: file.fileID) != nil {
                problem("\(field).file_id", "\(file.fileID) is listed twice")
            }
            bytes("\(field).size_bytes", file.sizeBytes)
            host(field, file.host, labels: labels)
            if let cached = file.cachedAtStartBytes, cached > file.sizeBytes {
                problem("\(field).cached_at_start_bytes", "\(cached) is more than the file's size (\(file.sizeBytes))")
            }
            // The kernel's names for filesystem types are short words.
            if let type = file.fsType,
                type.isEmpty || type.utf8.count > Self.longestFilesystemType
                    || type.unicodeScalars.contains(where: { $0.properties.isWhitespace || TerminalText.isControl($0) })
            {
                problem("\(field).fs_type", "not a filesystem type (empty, too long, or with a blank or a control character)")
            }
        }
        for (index, read) in dump.reads.enumerated() {
            check(read, field: "reads[\(index)]", pids: pids, fileHosts: fileHosts)
        }
        for (index, device) in dump.devices.enumerated() {
            check(device, field: "devices[\(index)]")
            host("devices[\(index)]", device.host, labels: labels)
        }
        checkMarks(dump, pids: pids, labels: labels)
    }

    /// Spans name a listed marker and process; a breakdown's parts fit in its window.
    private mutating func checkMarks(_ dump: DumpDocument, pids: Set<DumpDocument.ProcessKey>, labels: Set<String>) {
        let names = Set((dump.markers ?? []).map(\.name))
        for (index, mark) in (dump.marks ?? []).enumerated() {
            let field = "marks[\(index)]"
            if !names.contains(mark.name) { problem("\(field).name", "refers to no marker in markers") }
            if !pids.contains(DumpDocument.ProcessKey(host: mark.host, pid: mark.pid)) {
                problem("\(field).pid", "\(mark.pid) refers to no process")
            }
            host(field, mark.host, labels: labels)
            seconds("\(field).start_s", mark.startSeconds)
            seconds("\(field).duration_s", mark.durationSeconds)
            if let bytes = mark.bytes { self.bytes("\(field).bytes", bytes) }
        }
        for (index, breakdown) in (dump.phaseBreakdown ?? []).enumerated() {
            let field = "phase_breakdown[\(index)]"
            if !pids.contains(DumpDocument.ProcessKey(host: breakdown.host, pid: breakdown.pid)) {
                problem("\(field).pid", "\(breakdown.pid) refers to no process")
            }
            host(field, breakdown.host, labels: labels)
            seconds("\(field).window_start_s", breakdown.windowStartSeconds)
            let window = breakdown.windowSeconds
            seconds("\(field).window_s", window)
            for (name, value) in [
                ("read_s", breakdown.readSeconds), ("device_wait_s", breakdown.deviceWaitSeconds), ("neither_s", breakdown.neitherSeconds),
            ]
                + breakdown.phases.map({ ("phases.\($0.name)", $0.seconds) })
            {
                seconds("\(field).\(name)", value, upTo: window + 1e-5)
            }
            if breakdown.deviceWaitSeconds > breakdown.readSeconds + 1e-6 {
                problem("\(field).device_wait_s", "\(breakdown.deviceWaitSeconds) is more than read_s (\(breakdown.readSeconds))")
            }
            let parts = breakdown.readSeconds + breakdown.phases.map(\.seconds).reduce(0, +) + breakdown.neitherSeconds
            // Each part is rounded to the microsecond.
            if abs(parts - window) > 1e-6 * Double(breakdown.phases.count + 3) {
                problem("\(field)", "read_s, the phases and neither_s add up to \(parts), not window_s (\(window))")
            }
        }
    }

    /// A merged dump's entries name one of its sources; a dump of one run's name none.
    private mutating func host(_ field: String, _ label: String?, labels: Set<String>) {
        if let label, !labels.contains(label) { problem("\(field).host", "'\(label)' is no label of merged_from") }
        if label == nil, !labels.isEmpty { problem("\(field).host", "missing in a merged dump") }
    }

    private mutating func check(
        _ read: DumpDocument.Read, field: @autoclosure () -> String, pids: Set<DumpDocument.ProcessKey>, fileHosts: [Int: String?]
    ) {
        if let host = fileHosts[read.fileID] {
            // In a merged dump, the process on the file's host.
            if !pids.contains(DumpDocument.ProcessKey(host: host, pid: read.pid)) {
                problem(field() + ".pid", "\(read.pid) refers to no process")
            }
        } else {
            problem(field() + ".file_id", "\(read.fileID) refers to no file")
        }
        bytes(field() + ".read_bytes", read.readBytes)
        bytes(field() + ".cache_miss_bytes", read.cacheMissBytes)
        bytes(field() + ".mmap_fault_bytes", read.mmapFaultBytes)
        bytes(field() + ".mapped_bytes", read.mappedBytes ?? 0)
        bytes(field() + ".prefetch_bytes", read.prefetchBytes ?? 0)
        bytes(field() + ".block_read_bytes", read.blockReadBytes)
        seconds(field() + ".first_read_s", read.firstReadSeconds)
        seconds(field() + ".last_read_s", read.lastReadSeconds)
        if read.firstReadSeconds > read.lastReadSeconds {
            problem(field() + ".last_read_s", "\(read.lastReadSeconds) is before first_read_s (\(read.firstReadSeconds))")
        }
        if let load = read.loadSeconds {
            seconds(field() + ".load_s", load, upTo: max(0, Self.maximumSeconds - read.firstReadSeconds))
        }
        seconds(field() + ".span_s", read.spanSeconds)
        amount(field() + ".throughput_mib_s", read.throughputMiBPerSecond, upTo: Self.maximumRate)
        if let fraction = read.inReadFraction { amount(field() + ".in_read_fraction", fraction, upTo: 1) }
        if let fraction = read.deviceWaitFraction { amount(field() + ".device_wait_fraction", fraction, upTo: 1) }
        latency(field() + ".block_latency_us", read.blockLatencyMicroseconds)
        latency(field() + ".block_service_us", read.blockServiceMicroseconds)
        if let calls = read.latencyMicroseconds { latency(field() + ".latency_us", calls) }

        let timeline = read.timeline
        let bucket = timeline.bucketSeconds
        if !bucket.isFinite || bucket < Self.shortestRun || bucket > Self.maximumSeconds {
            problem("\(field()).timeline.bucket_s", "\(bucket) is not a bucket width from \(Self.shortestRun) to \(Self.maximumSeconds) s")
        } else if timeline.readBytes.count > Self.maximumBuckets
            || Double(timeline.readBytes.count) * bucket > Self.maximumSeconds + bucket
        {
            problem(
                "\(field()).timeline.read_bytes",
                "\(timeline.readBytes.count) buckets of \(bucket) s reach past \(Self.maximumSeconds) s")
        }
        if timeline.blockReadBytes.count > Self.maximumBuckets {
            problem("\(field()).timeline.block_read_bytes", "\(timeline.blockReadBytes.count) buckets are more than a dump holds")
        }
        buckets(field() + ".timeline", "read_bytes", timeline.readBytes, total: read.readBytes)
        buckets(field() + ".timeline", "block_read_bytes", timeline.blockReadBytes, total: read.blockReadBytes)
    }

    /// A timeline's buckets add up to no more than the entry's total.
    private mutating func buckets(_ field: @autoclosure () -> String, _ name: String, _ series: BucketCounts, total: UInt64) {
        var sum: UInt64 = 0
        let overflowed = series.occupied.counts.contains { count in
            let (next, overflow) = sum.addingReportingOverflow(count)
            sum = next
            return overflow
        }
        if overflowed || sum > total {
            problem("\(field()).\(name)", "its buckets add up to more than the entry's \(name) (\(total))")
        }
    }

    private mutating func check(_ device: DumpDocument.Device, field: String) {
        // /proc/diskstats separates fields with blanks, so a device name holds none, nor any control character.
        if device.name.isEmpty || device.name.unicodeScalars.contains(where: { $0.properties.isWhitespace || TerminalText.isControl($0) }) {
            problem("\(field).name", "not a device name (empty, or with a blank or a control character)")
        }
        var previous = 0.0
        for (index, sample) in device.samples.enumerated() {
            let sampleField = "\(field).samples[\(index)]"
            seconds("\(sampleField).t_s", sample.seconds)
            if sample.seconds < previous { problem("\(sampleField).t_s", "\(sample.seconds) is before the sample before it (\(previous))") }
            previous = max(previous, sample.seconds)
            for (name, value) in [
                ("read_iops", sample.readIOPS), ("write_iops", sample.writeIOPS), ("read_mib_s", sample.readMiBPerSecond),
                ("write_mib_s", sample.writeMiBPerSecond), ("read_await_ms", sample.readAwaitMilliseconds),
                ("write_await_ms", sample.writeAwaitMilliseconds), ("queue_depth", sample.queueDepth),
                ("util_pct", sample.utilizationPercent),
            ] {
                amount("\(sampleField).\(name)", value, upTo: Self.maximumRate)
            }
        }
        let totals = device.totals
        for (name, value) in [
            ("read_await_ms", totals.readAwaitMilliseconds), ("write_await_ms", totals.writeAwaitMilliseconds),
            ("util_pct", totals.utilizationPercent),
        ] {
            amount("\(field).totals.\(name)", value, upTo: Self.maximumRate)
        }
    }
}
