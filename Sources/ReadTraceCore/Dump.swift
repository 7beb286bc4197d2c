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

extension DumpDocument {
    /// The dump of a run: the (process, file) pairs whose file matches `pathFilter`, the files
    /// they read and the processes that read them.
    public init(aggregate: TraceAggregate, metadata: RunMetadata, pathFilter: PathFilter,
                deviceHistory: DeviceHistory? = nil, topology: BlockDeviceTopology = BlockDeviceTopology(),
                deviceReads: [DeviceNumber: DeviceReadCounters] = [:]) {
        let start = aggregate.startNanoseconds
        let durationNanoseconds = UInt64(max(metadata.durationSeconds, 0) * 1e9)
        let fileIDs = Dictionary(uniqueKeysWithValues: aggregate.fileOrder.enumerated().map { ($1, $0 + 1) })
        let shown = aggregate.reads.filter { aggregate.isShown($0.key.file, by: pathFilter) }

        let timed = metadata.hook.timesReads
        reads = shown.map { key, stats in
            let span = max(durationNanoseconds, stats.timeline.extentNanoseconds, stats.blockTimeline.extentNanoseconds)
            let series = stats.timeline.series(durationNanoseconds: span)
            return Read(pid: key.pid, fileID: fileIDs[key.file] ?? 0, readCalls: stats.calls, readBytes: stats.bytes,
                        errorCalls: stats.errors, cacheMissBytes: stats.cacheMissBytes, mmapFaultBytes: stats.mmapFaultBytes,
                        blockReadBytes: stats.blockReadBytes, blockReadIOs: stats.blockReadIOs,
                        blockLatencyMicroseconds: Latency(stats.blockLatency),
                        blockServiceMicroseconds: Latency(stats.blockServiceLatency),
                        firstReadSeconds: Self.seconds(stats.firstStartNanoseconds, since: start),
                        lastReadSeconds: Self.seconds(stats.lastEndNanoseconds, since: start),
                        loadSeconds: stats.loadedNanoseconds.map { Self.seconds($0, since: stats.firstStartNanoseconds) },
                        spanSeconds: Self.seconds(stats.lastEndNanoseconds, since: stats.firstStartNanoseconds),
                        throughputMiBPerSecond: stats.throughputMiBPerSecond,
                        inReadFraction: timed ? stats.fractionOfSpan(stats.latency.totalNanoseconds) : nil,
                        deviceWaitFraction: timed ? stats.fractionOfSpan(stats.deviceWaitNanoseconds) : nil,
                        latencyMicroseconds: timed ? Latency(stats.latency) : nil,
                        timeline: TimelineSeries(bucketSeconds: series.bucketSeconds, readBytes: series.bytes,
                                                 blockReadBytes: stats.blockTimeline.series(durationNanoseconds: span).bytes))
        }.sorted { ($1.readBytes, $0.pid, $0.fileID) < ($0.readBytes, $1.pid, $1.fileID) }

        files = Set(shown.keys.map(\.file)).compactMap { id -> File? in
            guard let number = fileIDs[id] else { return nil }
            let record = aggregate.files[id] ?? .unnamed(id)
            let deviceName = deviceHistory?.device(numbered: id.device)?.name
            let lower = aggregate.lowerFiles[id]
            return File(fileID: number, path: record.displayPath,
                        pathBase64: record.pathIsUTF8 ? nil : Data(record.path).base64EncodedString(),
                        dev: id.device.description, inode: id.inode, sizeBytes: record.sizeBytes, deleted: record.deleted,
                        deviceName: deviceName, diskName: deviceName.map(topology.disk(of:)),
                        lowerDev: lower?.device.description, lowerInode: lower?.inode)
        }.sorted { $0.fileID < $1.fileID }

        let fileDevices = Set(files.compactMap(\.deviceName))
        let knownDevices = deviceHistory?.devices ?? []
        let blockReadsByName = DeviceReadCounters.byName(deviceReads, devices: knownDevices, topology: topology)
        devices = knownDevices.filter { $0.totals.hadIO || fileDevices.contains($0.name) }.map { device in
            let totals = device.totals
            let reads = blockReadsByName[device.name] ?? DeviceReadCounters()
            return Device(name: device.name, dev: device.device.description, disk: topology.disk(of: device.name),
                          samples: device.samples.map(Device.Sample.init),
                          totals: Device.Totals(readIOs: totals.readIOs, readBytes: totals.readBytes, writeIOs: totals.writeIOs,
                                                writeBytes: totals.writeBytes,
                                                readAwaitMilliseconds: Self.rounded(totals.readAwaitMilliseconds, decimals: 3),
                                                writeAwaitMilliseconds: Self.rounded(totals.writeAwaitMilliseconds, decimals: 3),
                                                utilizationPercent: Self.rounded(totals.utilizationPercent, decimals: 3)),
                          blockReadBytes: reads.readBytes, blockReadIOs: reads.readIOs,
                          attributedBlockReadBytes: reads.attributedBytes, filteredBlockReadBytes: reads.filteredBytes,
                          unattributedBlockReadBytes: reads.unattributedBytes)
        }
        diskstatsSkippedLines = deviceHistory?.skippedLines ?? 0

        processes = Set(shown.keys.map(\.pid)).sorted().map { pid in
            let info = aggregate.processes[pid]
            let identity = info?.cgroupPath.map(ContainerIdentity.init(cgroupPath:))
            return Process(pid: pid, parentPid: info?.record.parentPid ?? 0, comm: info?.record.comm ?? "?",
                           cmdline: info?.cmdline, cgroup: info?.cgroupPath, containerID: identity?.containerID,
                           podUID: identity?.podUID, containerRuntime: identity?.runtime)
        }

        schemaVersion = Self.currentSchemaVersion
        toolVersion = metadata.toolVersion
        host = Host(hostname: metadata.host.hostname, kernel: metadata.host.kernel, bootID: metadata.host.bootID)
        hook = metadata.hook.rawValue
        hookAccuracy = metadata.hook.accuracy
        loadedShare = aggregate.loadedShare
        startedAt = Self.iso8601(unixSeconds: metadata.startedAtUnixSeconds)
        durationSeconds = Self.rounded(metadata.durationSeconds, decimals: 3)
        filters = Filters(comm: metadata.filters.comms, pid: metadata.filters.pids, cgroup: metadata.filters.cgroups,
                          path: metadata.filters.paths, pod: metadata.filters.pods, container: metadata.filters.containers)
        eventsEmitted = metadata.counters.eventsEmitted
        lostEvents = metadata.counters.eventsLost
        skippedProgramRuns = metadata.counters.skippedProgramRuns
    }

    /// Compact JSON with keys sorted and slashes left alone.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
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
