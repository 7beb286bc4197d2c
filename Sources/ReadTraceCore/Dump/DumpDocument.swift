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

    /// A process of a dump: its pid on its host (nil in a dump of one run).
    public struct ProcessKey: Hashable, Sendable {
        public var host: String?
        public var pid: Int32
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
        public var containerRuntime: ContainerRuntime?
        /// In a merged dump: the label of the host (`merged_from[].label`) it ran on.
        public var host: String?
        /// The FUSE filesystems (major:minor, as `files[].dev`) this process serves for traced
        /// processes: its reads are the IO behind their reads of those files. Absent for others.
        public var fuseServes: [String]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case pid, comm, cmdline, cgroup, host
            case fuseServes = "fuse_serves"
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
            try container.encodeIfPresent(host, forKey: .host)
            try container.encodeIfPresent(fuseServes, forKey: .fuseServes)
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
        /// The path is "…" and its last components only: deeper than the kernel's walk, and
        /// closed before user space could name it. Written only when true.
        public var pathTruncated: Bool?
        /// The block device holding the file, as /proc/diskstats names it; null for filesystems
        /// without one (tmpfs, overlay, network filesystems).
        public var deviceName: String?
        /// The whole disk: `deviceName` itself, or the disk a partition is on.
        public var diskName: String?
        /// For a file read through a stacked filesystem (overlayfs): the file below that holds
        /// its data and its page cache, where the disk reads happen. Null otherwise.
        public var lowerDev: String?
        public var lowerInode: UInt64?
        /// In a merged dump: the label of the host the file is on.
        public var host: String?
        /// The kernel's name of the file's filesystem type ("ext4", "tmpfs", "fuse.bindfs");
        /// null when unknown (dumps from before it was recorded).
        public var fsType: String?
        /// Bytes of the file in the page cache when its first traced read began: a fast load
        /// of a file already cached is a warm one. Null when not measured.
        public var cachedAtStartBytes: UInt64?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case path, dev, inode, deleted, host
            case fileID = "file_id"
            case pathBase64 = "path_base64"
            case pathTruncated = "path_truncated"
            case sizeBytes = "size_bytes"
            case deviceName = "device_name"
            case diskName = "disk_name"
            case lowerDev = "lower_dev"
            case lowerInode = "lower_inode"
            case fsType = "fs_type"
            case cachedAtStartBytes = "cached_at_start_bytes"
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
            if pathTruncated == true { try container.encode(true, forKey: .pathTruncated) }
            try container.encode(deviceName, forKey: .deviceName)
            try container.encode(diskName, forKey: .diskName)
            try container.encode(lowerDev, forKey: .lowerDev)
            try container.encode(lowerInode, forKey: .lowerInode)
            try container.encodeIfPresent(host, forKey: .host)
            try container.encode(fsType, forKey: .fsType)
            try container.encode(cachedAtStartBytes, forKey: .cachedAtStartBytes)
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
        /// In a merged dump: the label of the host the device is on.
        public var host: String?

        enum CodingKeys: String, CodingKey {
            case name, dev, disk, samples, totals, host
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

        enum CodingKeys: String, CodingKey, CaseIterable {
            case p50, p90, p99, max, total
        }
    }

    public struct TimelineSeries: Codable, Sendable, Equatable {
        public var bucketSeconds: Double
        public var readBytes: BucketCounts
        /// Bytes block devices completed for this entry, on the same buckets.
        public var blockReadBytes: BucketCounts

        enum CodingKeys: String, CodingKey, CaseIterable {
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
        /// Bytes of the file page faults mapped into the process's page tables, cached or not;
        /// nil in dumps from before the field.
        public var mappedBytes: UInt64? = nil
        /// What the process loaded through a mapping (as `ReadStats.mappedLoadBytes`).
        public var mappedLoadBytes: UInt64 { max(mappedBytes ?? 0, mmapFaultBytes) }
        /// Bytes the process's prefetch calls brought into the page cache for the file (as
        /// `ReadStats.prefetchBytes`); nil in dumps from before the field.
        public var prefetchBytes: UInt64? = nil
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

        enum CodingKeys: String, CodingKey, CaseIterable {
            case pid, timeline
            case fileID = "file_id"
            case readCalls = "read_calls"
            case readBytes = "read_bytes"
            case errorCalls = "error_calls"
            case cacheMissBytes = "cache_miss_bytes"
            case mmapFaultBytes = "mmap_fault_bytes"
            case mappedBytes = "mapped_bytes"
            case prefetchBytes = "prefetch_bytes"
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
            try container.encodeIfPresent(mappedBytes, forKey: .mappedBytes)
            try container.encodeIfPresent(prefetchBytes, forKey: .prefetchBytes)
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
    public var hook: HookKind
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
    /// In a dump merged from several (`readtrace report --json`): the dumps it merges, by the
    /// host label its processes, files and devices carry; nil in a dump of one run.
    public var mergedFrom: [MergedSource]?

    /// One of the dumps a merged dump was made of.
    public struct MergedSource: Codable, Sendable, Equatable {
        /// The hostname, made unique among the sources ("node-a", "node-a#2").
        public var label: String
        public var host: Host
        public var toolVersion: String
        public var hook: HookKind
        public var startedAt: String
        /// Where this dump's times start on the merged dump's clock.
        public var offsetSeconds: Double
        public var durationSeconds: Double
        public var eventsEmitted: UInt64
        public var lostEvents: UInt64
        public var skippedProgramRuns: UInt64

        enum CodingKeys: String, CodingKey {
            case label, host, hook
            case toolVersion = "tool_version"
            case startedAt = "started_at"
            case offsetSeconds = "offset_s"
            case durationSeconds = "duration_s"
            case eventsEmitted = "events_emitted"
            case lostEvents = "lost_events"
            case skippedProgramRuns = "skipped_program_runs"
        }
    }

    /// The `--mark` markers in order, their spans, and per process the breakdown of its time;
    /// absent from runs without markers.
    public var markers: [Marker]? = nil
    public var marks: [Mark]? = nil
    public var phaseBreakdown: [PhaseBreakdown]? = nil

    enum CodingKeys: String, CodingKey {
        case host, hook, filters, processes, files, reads, devices, markers, marks
        case mergedFrom = "merged_from"
        case phaseBreakdown = "phase_breakdown"
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
