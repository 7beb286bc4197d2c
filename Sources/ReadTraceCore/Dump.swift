#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

/// The JSON dump, schema version 1 (schema/readtrace-dump-v1.schema.json). Later versions
/// add fields and never rename one.
public struct DumpDocument: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1

    public struct Host: Codable, Sendable, Equatable {
        public var hostname: String
        public var kernel: String
        public var bootID: String

        enum CodingKeys: String, CodingKey {
            case hostname, kernel
            case bootID = "boot_id"
        }
    }

    public struct Filters: Codable, Sendable, Equatable {
        public var comm: [String]
        public var pid: [Int32]
        public var cgroup: [String]
        public var path: [String]
        public var pod: [String]
        public var container: [String]
    }

    public struct Process: Codable, Sendable, Equatable {
        public var pid: Int32
        public var parentPid: Int32
        public var comm: String
        public var cmdline: String?
        public var cgroup: String?
        /// From the cgroup path's container runtime and Kubernetes naming; null where none applies.
        public var containerID: String?
        public var podUID: String?
        public var containerRuntime: String?

        enum CodingKeys: String, CodingKey {
            case pid, comm, cmdline, cgroup
            case parentPid = "parent_pid"
            case containerID = "container_id"
            case podUID = "pod_uid"
            case containerRuntime = "container_runtime"
        }

        /// Unknown values are written as null, not left out.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pid, forKey: .pid)
            try container.encode(parentPid, forKey: .parentPid)
            try container.encode(comm, forKey: .comm)
            try container.encode(cmdline, forKey: .cmdline)
            try container.encode(cgroup, forKey: .cgroup)
            try container.encode(containerID, forKey: .containerID)
            try container.encode(podUID, forKey: .podUID)
            try container.encode(containerRuntime, forKey: .containerRuntime)
        }
    }

    public struct File: Codable, Sendable, Equatable {
        /// The file's place in the order files were first seen, from 1; filtered-out files leave gaps.
        public var fileID: Int
        /// The path; U+FFFD stands for bytes that are not UTF-8, and then `pathBase64` holds the exact bytes.
        public var path: String
        public var pathBase64: String?
        public var dev: String
        public var inode: UInt64
        public var sizeBytes: UInt64
        public var deleted: Bool
        /// The block device holding the file, as /proc/diskstats names it; null for filesystems
        /// without one (tmpfs, overlay, network filesystems).
        public var deviceName: String?
        /// The whole disk: `deviceName` itself, or the disk a partition is on.
        public var diskName: String?
        /// For a file read through a stacked filesystem (overlayfs): the file below that holds
        /// its data and its page cache, where the disk reads happen. Null otherwise.
        public var lowerDev: String?
        public var lowerInode: UInt64?

        enum CodingKeys: String, CodingKey {
            case path, dev, inode, deleted
            case fileID = "file_id"
            case pathBase64 = "path_base64"
            case sizeBytes = "size_bytes"
            case deviceName = "device_name"
            case diskName = "disk_name"
            case lowerDev = "lower_dev"
            case lowerInode = "lower_inode"
        }

        /// Unknown devices are written as null, not left out; path_base64 only when needed.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(fileID, forKey: .fileID)
            try container.encode(path, forKey: .path)
            try container.encodeIfPresent(pathBase64, forKey: .pathBase64)
            try container.encode(dev, forKey: .dev)
            try container.encode(inode, forKey: .inode)
            try container.encode(sizeBytes, forKey: .sizeBytes)
            try container.encode(deleted, forKey: .deleted)
            try container.encode(deviceName, forKey: .deviceName)
            try container.encode(diskName, forKey: .diskName)
            try container.encode(lowerDev, forKey: .lowerDev)
            try container.encode(lowerInode, forKey: .lowerInode)
        }
    }

    /// A block device's activity from /proc/diskstats, computed as iostat -x does.
    public struct Device: Codable, Sendable, Equatable {
        public struct Sample: Codable, Sendable, Equatable {
            public var seconds: Double
            public var readIOPS: Double
            public var writeIOPS: Double
            public var readMiBPerSecond: Double
            public var writeMiBPerSecond: Double
            public var readAwaitMilliseconds: Double
            public var writeAwaitMilliseconds: Double
            public var queueDepth: Double
            public var utilizationPercent: Double

            enum CodingKeys: String, CodingKey {
                case seconds = "t_s"
                case readIOPS = "read_iops"
                case writeIOPS = "write_iops"
                case readMiBPerSecond = "read_mib_s"
                case writeMiBPerSecond = "write_mib_s"
                case readAwaitMilliseconds = "read_await_ms"
                case writeAwaitMilliseconds = "write_await_ms"
                case queueDepth = "queue_depth"
                case utilizationPercent = "util_pct"
            }
        }

        public struct Totals: Codable, Sendable, Equatable {
            public var readIOs: UInt64
            public var readBytes: UInt64
            public var writeIOs: UInt64
            public var writeBytes: UInt64
            public var readAwaitMilliseconds: Double
            public var writeAwaitMilliseconds: Double
            public var utilizationPercent: Double

            enum CodingKeys: String, CodingKey {
                case readIOs = "read_ios"
                case readBytes = "read_bytes"
                case writeIOs = "write_ios"
                case writeBytes = "write_bytes"
                case readAwaitMilliseconds = "read_await_ms"
                case writeAwaitMilliseconds = "write_await_ms"
                case utilizationPercent = "util_pct"
            }
        }

        public var name: String
        public var dev: String
        public var disk: String
        public var samples: [Sample]
        public var totals: Totals
        /// Block reads the kernel saw this device complete while tracing, whoever caused them:
        /// attributed (to `reads`) + filtered + unattributed = `blockReadBytes`. A disk counts
        /// its partitions', as /proc/diskstats does.
        public var blockReadBytes: UInt64
        public var blockReadIOs: UInt64
        public var attributedBlockReadBytes: UInt64
        public var filteredBlockReadBytes: UInt64
        public var unattributedBlockReadBytes: UInt64

        enum CodingKeys: String, CodingKey {
            case name, dev, disk, samples, totals
            case blockReadBytes = "block_read_bytes"
            case blockReadIOs = "block_read_ios"
            case attributedBlockReadBytes = "attributed_block_read_bytes"
            case filteredBlockReadBytes = "filtered_block_read_bytes"
            case unattributedBlockReadBytes = "unattributed_block_read_bytes"
        }
    }

    public struct Latency: Codable, Sendable, Equatable {
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var max: Double
        public var total: Double
    }

    public struct TimelineSeries: Codable, Sendable, Equatable {
        public var bucketSeconds: Double
        public var readBytes: [UInt64]
        /// Bytes block devices completed for this entry, on the same buckets.
        public var blockReadBytes: [UInt64]

        enum CodingKeys: String, CodingKey {
            case bucketSeconds = "bucket_s"
            case readBytes = "read_bytes"
            case blockReadBytes = "block_read_bytes"
        }
    }

    public struct Read: Codable, Sendable, Equatable {
        public var pid: Int32
        public var fileID: Int
        public var readCalls: UInt64
        public var readBytes: UInt64
        public var errorCalls: UInt64
        /// Bytes these reads (and their readahead) brought into the page cache.
        public var cacheMissBytes: UInt64
        /// Bytes page faults on the mapped file brought into the page cache.
        public var mmapFaultBytes: UInt64
        /// Bytes and requests block devices completed for this process and file.
        public var blockReadBytes: UInt64
        public var blockReadIOs: UInt64
        /// Per request: created to completed, and issued to the driver to completed.
        public var blockLatencyMicroseconds: Latency
        public var blockServiceMicroseconds: Latency
        public var firstReadSeconds: Double
        public var lastReadSeconds: Double
        /// The file's load: from the first read's start until the bytes read (and faulted in)
        /// reached `loaded_share` of its size; nil when they never did.
        public var loadSeconds: Double?
        public var spanSeconds: Double
        public var throughputMiBPerSecond: Double
        /// Shares of the span spent inside read calls, and inside calls that waited on the device
        /// (at most 1; threads reading one file at once overlap); nil where calls are not timed.
        public var inReadFraction: Double?
        public var deviceWaitFraction: Double?
        /// nil where calls are not timed (the light hook).
        public var latencyMicroseconds: Latency?
        public var timeline: TimelineSeries

        enum CodingKeys: String, CodingKey {
            case pid, timeline
            case fileID = "file_id"
            case readCalls = "read_calls"
            case readBytes = "read_bytes"
            case errorCalls = "error_calls"
            case cacheMissBytes = "cache_miss_bytes"
            case mmapFaultBytes = "mmap_fault_bytes"
            case blockReadBytes = "block_read_bytes"
            case blockReadIOs = "block_read_ios"
            case blockLatencyMicroseconds = "block_latency_us"
            case blockServiceMicroseconds = "block_service_us"
            case firstReadSeconds = "first_read_s"
            case lastReadSeconds = "last_read_s"
            case loadSeconds = "load_s"
            case spanSeconds = "span_s"
            case throughputMiBPerSecond = "throughput_mib_s"
            case inReadFraction = "in_read_fraction"
            case deviceWaitFraction = "device_wait_fraction"
            case latencyMicroseconds = "latency_us"
        }

        /// A load that never completed is written as null, not left out.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pid, forKey: .pid)
            try container.encode(fileID, forKey: .fileID)
            try container.encode(readCalls, forKey: .readCalls)
            try container.encode(readBytes, forKey: .readBytes)
            try container.encode(errorCalls, forKey: .errorCalls)
            try container.encode(cacheMissBytes, forKey: .cacheMissBytes)
            try container.encode(mmapFaultBytes, forKey: .mmapFaultBytes)
            try container.encode(blockReadBytes, forKey: .blockReadBytes)
            try container.encode(blockReadIOs, forKey: .blockReadIOs)
            try container.encode(blockLatencyMicroseconds, forKey: .blockLatencyMicroseconds)
            try container.encode(blockServiceMicroseconds, forKey: .blockServiceMicroseconds)
            try container.encode(firstReadSeconds, forKey: .firstReadSeconds)
            try container.encode(lastReadSeconds, forKey: .lastReadSeconds)
            try container.encode(loadSeconds, forKey: .loadSeconds)
            try container.encode(spanSeconds, forKey: .spanSeconds)
            try container.encode(throughputMiBPerSecond, forKey: .throughputMiBPerSecond)
            try container.encode(inReadFraction, forKey: .inReadFraction)
            try container.encode(deviceWaitFraction, forKey: .deviceWaitFraction)
            try container.encode(latencyMicroseconds, forKey: .latencyMicroseconds)
            try container.encode(timeline, forKey: .timeline)
        }
    }

    public var schemaVersion: Int
    public var toolVersion: String
    public var host: Host
    public var hook: String
    /// What the reads' figures mean with that hook.
    public var hookAccuracy: String
    /// The share of a file's size a process must read for its load to count as done (`load_s`).
    public var loadedShare: Double
    public var startedAt: String
    public var durationSeconds: Double
    public var filters: Filters
    public var eventsEmitted: UInt64
    public var lostEvents: UInt64
    /// Program runs the kernel skipped (nested on one CPU): events readtrace never saw.
    public var skippedProgramRuns: UInt64
    public var processes: [Process]
    public var files: [File]
    public var reads: [Read]
    /// Devices that did IO during the run or hold a file in `files`.
    public var devices: [Device]
    /// /proc/diskstats lines that matched no known layout, skipped.
    public var diskstatsSkippedLines: Int

    enum CodingKeys: String, CodingKey {
        case host, hook, filters, processes, files, reads, devices
        case diskstatsSkippedLines = "diskstats_skipped_lines"
        case loadedShare = "loaded_share"
        case hookAccuracy = "hook_accuracy"
        case schemaVersion = "schema_version"
        case toolVersion = "tool_version"
        case startedAt = "started_at"
        case durationSeconds = "duration_s"
        case eventsEmitted = "events_emitted"
        case lostEvents = "lost_events"
        case skippedProgramRuns = "skipped_program_runs"
    }
}

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
    public init(aggregate: TraceAggregate, metadata: RunMetadata, pathFilter: PathFilter,
                deviceHistory: DeviceHistory? = nil, topology: BlockDeviceTopology = BlockDeviceTopology(),
                deviceReads: [DeviceNumber: DeviceReadCounters] = [:]) {
        self.aggregate = aggregate
        self.deviceHistory = deviceHistory
        self.topology = topology
        durationNanoseconds = UInt64(max(metadata.durationSeconds, 0) * 1e9)
        timed = metadata.hook.timesReads

        var fileIsShown = [Bool](repeating: false, count: aggregate.files.count)
        var readOrder: [(bytes: UInt64, pid: Int32, filePosition: Int, position: Int)] = []
        for (position, (key, stats)) in aggregate.reads.enumerated() where aggregate.isShown(key.file, by: pathFilter) {
            guard let filePosition = aggregate.files.position(of: key.file) else { continue }
            fileIsShown[filePosition] = true
            readOrder.append((stats.bytes, key.pid, filePosition, position))
        }
        readOrder.sort { ($1.bytes, $0.pid, $0.filePosition) < ($0.bytes, $1.pid, $1.filePosition) }
        readPositions = readOrder.map(\.position)
        filePositions = fileIsShown.indices.filter { fileIsShown[$0] }
        let readers = Set(readOrder.map(\.pid))
        readOrder = []

        let fileDevices = Set(filePositions.compactMap { deviceHistory?.device(numbered: aggregate.files.keys[$0].device)?.name })
        let knownDevices = deviceHistory?.devices ?? []
        let blockReadsByName = DeviceReadCounters.byName(deviceReads, devices: knownDevices, topology: topology)
        let devices = knownDevices.filter { $0.totals.hadIO || fileDevices.contains($0.name) }.map { device in
            let totals = device.totals
            let reads = blockReadsByName[device.name] ?? DeviceReadCounters()
            return DumpDocument.Device(
                name: device.name, dev: device.device.description, disk: topology.disk(of: device.name),
                samples: device.samples.map(DumpDocument.Device.Sample.init),
                totals: DumpDocument.Device.Totals(readIOs: totals.readIOs, readBytes: totals.readBytes, writeIOs: totals.writeIOs,
                                                   writeBytes: totals.writeBytes,
                                                   readAwaitMilliseconds: DumpDocument.rounded(totals.readAwaitMilliseconds, decimals: 3),
                                                   writeAwaitMilliseconds: DumpDocument.rounded(totals.writeAwaitMilliseconds, decimals: 3),
                                                   utilizationPercent: DumpDocument.rounded(totals.utilizationPercent, decimals: 3)),
                blockReadBytes: reads.readBytes, blockReadIOs: reads.readIOs,
                attributedBlockReadBytes: reads.attributedBytes, filteredBlockReadBytes: reads.filteredBytes,
                unattributedBlockReadBytes: reads.unattributedBytes)
        }

        let processes = readers.sorted().map { pid in
            let info = aggregate.processes[pid]
            let identity = info?.cgroupPath.map(ContainerIdentity.init(cgroupPath:))
            return DumpDocument.Process(pid: pid, parentPid: info?.record.parentPid ?? 0, comm: info?.record.comm ?? "?",
                                        cmdline: info?.cmdline, cgroup: info?.cgroupPath, containerID: identity?.containerID,
                                        podUID: identity?.podUID, containerRuntime: identity?.runtime)
        }

        let filters = metadata.filters
        outline = DumpDocument(
            schemaVersion: DumpDocument.currentSchemaVersion, toolVersion: metadata.toolVersion,
            host: DumpDocument.Host(hostname: metadata.host.hostname, kernel: metadata.host.kernel, bootID: metadata.host.bootID),
            hook: metadata.hook.rawValue, hookAccuracy: metadata.hook.accuracy, loadedShare: aggregate.loadedShare,
            startedAt: DumpDocument.iso8601(unixSeconds: metadata.startedAtUnixSeconds),
            durationSeconds: DumpDocument.rounded(metadata.durationSeconds, decimals: 3),
            filters: DumpDocument.Filters(comm: filters.comms, pid: filters.pids, cgroup: filters.cgroups, path: filters.paths,
                                          pod: filters.pods, container: filters.containers),
            eventsEmitted: metadata.counters.eventsEmitted, lostEvents: metadata.counters.eventsLost,
            skippedProgramRuns: metadata.counters.skippedProgramRuns, processes: processes, files: [], reads: [],
            devices: devices, diskstatsSkippedLines: deviceHistory?.skippedLines ?? 0)
    }

    /// The reads, most bytes first.
    public var reads: some Collection<DumpDocument.Read> { readPositions.lazy.map(read(at:)) }

    /// The files the reads are of, by dump id.
    public var files: some Collection<DumpDocument.File> { filePositions.lazy.map(file(at:)) }

    private func read(at position: Int) -> DumpDocument.Read {
        let (key, stats) = aggregate.reads[position]
        let start = aggregate.startNanoseconds
        let span = max(durationNanoseconds, stats.timeline.extentNanoseconds, stats.blockTimeline.extentNanoseconds)
        let series = stats.timeline.series(durationNanoseconds: span)
        return DumpDocument.Read(
            pid: key.pid, fileID: aggregate.fileNumber(of: key.file) ?? 0, readCalls: stats.calls, readBytes: stats.bytes,
            errorCalls: stats.errors, cacheMissBytes: stats.cacheMissBytes, mmapFaultBytes: stats.mmapFaultBytes,
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
            timeline: DumpDocument.TimelineSeries(bucketSeconds: series.bucketSeconds, readBytes: series.bytes,
                                                  blockReadBytes: stats.blockTimeline.series(durationNanoseconds: span).bytes))
    }

    private func file(at position: Int) -> DumpDocument.File {
        let (id, record) = aggregate.files[position]
        let deviceName = deviceHistory?.device(numbered: id.device)?.name
        let lower = aggregate.lowerFiles[id]
        return DumpDocument.File(fileID: position + 1, path: record.displayPath,
                                 pathBase64: record.pathIsUTF8 ? nil : Data(record.path).base64EncodedString(),
                                 dev: id.device.description, inode: id.inode, sizeBytes: record.sizeBytes, deleted: record.deleted,
                                 deviceName: deviceName, diskName: deviceName.map(topology.disk(of:)),
                                 lowerDev: lower?.device.description, lowerInode: lower?.inode)
    }

    /// Writes the bytes `DumpDocument(self).encoded()` returns, in pieces, a read or a file at a time.
    public func write(to output: ([UInt8]) throws -> Void) throws {
        let encoder = DumpDocument.encoder()
        let outline = Array(try encoder.encode(self.outline))
        var rest = outline[...]
        // The outline's empty arrays are where the files and the reads go. No other object in a
        // dump has the key "files" or "reads", and a quote inside a string is escaped, so each
        // marker occurs once.
        func write(_ elements: some Sequence<some Encodable>, intoArrayAt marker: String) throws {
            guard let opening = rest.firstRange(of: Array(marker.utf8)) else {
                preconditionFailure("a dump outline has \(marker)]")
            }
            try output(Array(rest[..<opening.upperBound]))
            rest = rest[opening.upperBound...]
            for (index, element) in elements.enumerated() {
                try output((index == 0 ? [] : [UInt8(ascii: ",")]) + Array(try encoder.encode(element)))
            }
        }
        try write(files, intoArrayAt: #""files":["#)
        try write(reads, intoArrayAt: #""reads":["#)
        try output(Array(rest) + [UInt8(ascii: "\n")])
    }
}

extension DumpDocument {
    /// The dump of a run; see `DumpContents`.
    public init(aggregate: TraceAggregate, metadata: RunMetadata, pathFilter: PathFilter,
                deviceHistory: DeviceHistory? = nil, topology: BlockDeviceTopology = BlockDeviceTopology(),
                deviceReads: [DeviceNumber: DeviceReadCounters] = [:]) {
        self.init(DumpContents(aggregate: aggregate, metadata: metadata, pathFilter: pathFilter, deviceHistory: deviceHistory,
                               topology: topology, deviceReads: deviceReads))
    }

    /// The whole dump, every read and file in memory.
    public init(_ contents: DumpContents) {
        self = contents.outline
        reads = Array(contents.reads)
        files = Array(contents.files)
    }

    /// Compact JSON with keys sorted and slashes left alone.
    public func encoded() throws -> [UInt8] {
        Array(try Self.encoder().encode(self)) + [UInt8(ascii: "\n")]
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public struct DecodingFailure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads a dump back; refuses corrupt input and other schema versions with one line.
    public static func decode(_ bytes: [UInt8]) throws -> DumpDocument {
        struct Version: Decodable {
            var schema_version: Int
        }
        let data = Data(bytes)
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw DecodingFailure(description: "not a readtrace dump (no schema_version in a JSON object)")
        }
        guard version.schema_version == currentSchemaVersion else {
            throw DecodingFailure(description: "dump has schema version \(version.schema_version); this readtrace reads version \(currentSchemaVersion)")
        }
        do {
            return try JSONDecoder().decode(DumpDocument.self, from: data)
        } catch {
            throw DecodingFailure(description: "corrupt readtrace dump: \(error)")
        }
    }

    static func seconds(_ nanoseconds: UInt64, since start: UInt64) -> Double {
        guard nanoseconds != .max, nanoseconds > start else { return 0 }
        return rounded(Double(nanoseconds - start) / 1e9, decimals: 6)
    }

    static func rounded(_ value: Double, decimals: Int) -> Double {
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        return (value * factor).rounded() / factor
    }

    /// "2026-11-24T22:44:09.123Z".
    static func iso8601(unixSeconds: Double) -> String {
        let totalMilliseconds = Int64((unixSeconds * 1000).rounded())
        var seconds = time_t(totalMilliseconds / 1000)
        let milliseconds = Int(totalMilliseconds % 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ digits: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T"
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2)).\(padded(Int32(milliseconds), 3))Z"
    }
}

extension ReadStats {
    var spanNanoseconds: UInt64 {
        lastEndNanoseconds > firstStartNanoseconds && firstStartNanoseconds != .max ? lastEndNanoseconds - firstStartNanoseconds : 0
    }

    /// Bytes read and faulted in over the span, MiB/s; 0 without a span.
    var throughputMiBPerSecond: Double {
        guard spanNanoseconds > 0 else { return 0 }
        return DumpDocument.rounded(Double(bytes + mmapFaultBytes) / 1_048_576 / (Double(spanNanoseconds) / 1e9), decimals: 3)
    }

    /// `nanoseconds` as a share of the span, at most 1.
    func fractionOfSpan(_ nanoseconds: UInt64) -> Double {
        guard spanNanoseconds > 0 else { return 0 }
        return DumpDocument.rounded(min(1, Double(nanoseconds) / Double(spanNanoseconds)), decimals: 4)
    }
}

extension DumpDocument.Device.Sample {
    init(_ sample: DeviceSample) {
        func rounded(_ value: Double) -> Double { DumpDocument.rounded(value, decimals: 3) }
        let rates = sample.rates
        self.init(seconds: rounded(sample.seconds), readIOPS: rounded(rates.readIOsPerSecond),
                  writeIOPS: rounded(rates.writeIOsPerSecond), readMiBPerSecond: rounded(rates.readMiBPerSecond),
                  writeMiBPerSecond: rounded(rates.writeMiBPerSecond), readAwaitMilliseconds: rounded(rates.readAwaitMilliseconds),
                  writeAwaitMilliseconds: rounded(rates.writeAwaitMilliseconds), queueDepth: rounded(rates.queueDepth),
                  utilizationPercent: rounded(rates.utilizationPercent))
    }
}

extension DumpDocument.Latency {
    /// Microseconds with nanosecond precision; all zero when no call succeeded.
    init(_ histogram: LatencyHistogram) {
        func microseconds(_ nanoseconds: UInt64) -> Double { DumpDocument.rounded(Double(nanoseconds) / 1e3, decimals: 3) }
        guard histogram.count > 0 else {
            self.init(p50: 0, p90: 0, p99: 0, max: 0, total: 0)
            return
        }
        self.init(p50: microseconds(histogram.percentile(0.5)), p90: microseconds(histogram.percentile(0.9)),
                  p99: microseconds(histogram.percentile(0.99)), max: microseconds(histogram.maxNanoseconds),
                  total: microseconds(histogram.totalNanoseconds))
    }
}
