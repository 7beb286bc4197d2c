/// A device number as the kernel stores it in a superblock (`major << 20 | minor`).
public struct DeviceNumber: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(major: UInt32, minor: UInt32) { rawValue = major << 20 | minor }

    public var major: UInt32 { rawValue >> 20 }
    public var minor: UInt32 { rawValue & 0xFFFFF }
    /// "major:minor", as /proc/diskstats and lsblk show it.
    public var description: String { "\(major):\(minor)" }
}

/// A file as the kernel identifies it: its filesystem's device and its inode number.
public struct FileID: Hashable, Sendable {
    // The inode first leaves the 4 bytes after the device free for the pid of a `ReadKey`.
    public var inode: UInt64
    public var device: DeviceNumber

    public init(device: DeviceNumber, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

/// One finished read-family call, as the kernel reported it.
public struct ReadRecord: Sendable {
    public var pid: Int32
    public var threadID: Int32
    public var file: FileID
    /// CLOCK_MONOTONIC when the call returned.
    public var endNanoseconds: UInt64
    /// Entry to return; nil where the hook does not time calls (light).
    public var latencyNanoseconds: UInt64?
    /// Bytes returned, or a negated errno.
    public var result: Int64
    /// Bytes added to the page cache while the call ran (itself or its readahead): read from the device.
    public var cacheMissBytes: UInt64

    public init(pid: Int32, threadID: Int32, file: FileID, endNanoseconds: UInt64, latencyNanoseconds: UInt64?, result: Int64,
                cacheMissBytes: UInt64 = 0) {
        self.pid = pid
        self.threadID = threadID
        self.file = file
        self.endNanoseconds = endNanoseconds
        self.latencyNanoseconds = latencyNanoseconds
        self.result = result
        self.cacheMissBytes = cacheMissBytes
    }
}

/// Bytes a block device completed for a read request a traced process caused.
public struct BlockRecord: Sendable {
    public var pid: Int32
    /// The block device (or partition) that served the request.
    public var device: DeviceNumber
    /// The file the process was reading (or had mapped).
    public var file: FileID
    /// The file the data belongs to below a stacked filesystem (overlayfs), when it is another.
    public var lowerFile: FileID?
    public var bytes: UInt64
    /// False for a partial completion: the request has more to come.
    public var completesRequest: Bool
    public var endNanoseconds: UInt64
    /// From the request's creation to this completion.
    public var queuedNanoseconds: UInt64
    /// From the request's issue to the driver to this completion; nil when the issue was not seen.
    public var serviceNanoseconds: UInt64?

    public init(pid: Int32, device: DeviceNumber, file: FileID, lowerFile: FileID? = nil, bytes: UInt64,
                completesRequest: Bool = true, endNanoseconds: UInt64, queuedNanoseconds: UInt64,
                serviceNanoseconds: UInt64? = nil) {
        self.pid = pid
        self.device = device
        self.file = file
        self.lowerFile = lowerFile
        self.bytes = bytes
        self.completesRequest = completesRequest
        self.endNanoseconds = endNanoseconds
        self.queuedNanoseconds = queuedNanoseconds
        self.serviceNanoseconds = serviceNanoseconds
    }
}

/// Page-cache bytes a traced process brought in for a file outside a timed read call.
public struct FaultFillRecord: Sendable {
    /// What brought the pages in.
    public enum Cause: Sendable {
        /// A page fault on a mapped file.
        case fault
        /// A read the light hook saw (it has no call to count misses in).
        case read
    }

    public var pid: Int32
    public var file: FileID
    public var bytes: UInt64
    public var endNanoseconds: UInt64
    public var cause: Cause

    public init(pid: Int32, file: FileID, bytes: UInt64, endNanoseconds: UInt64, cause: Cause = .fault) {
        self.pid = pid
        self.file = file
        self.bytes = bytes
        self.endNanoseconds = endNanoseconds
        self.cause = cause
    }
}

/// What kind of file an inode is, from the type bits of its mode.
public enum FileKind: Sendable, Equatable {
    case regular, directory, characterDevice, blockDevice, pipe, socket, symbolicLink, other

    public init(mode: UInt32) {
        self = switch mode & 0o170000 {
        case 0o100000: .regular
        case 0o040000: .directory
        case 0o020000: .characterDevice
        case 0o060000: .blockDevice
        case 0o010000: .pipe
        case 0o140000: .socket
        case 0o120000: .symbolicLink
        default: .other
        }
    }
}

/// A file named by the kernel the first time a traced process read it.
public struct FileRecord: Sendable, Equatable {
    public var id: FileID
    /// The full path as raw bytes: Linux paths need not be UTF-8. Empty for files
    /// with no name in any directory (pipes, sockets, anonymous inodes).
    public var path: [UInt8]
    public var sizeBytes: UInt64
    public var kind: FileKind
    /// The file had no links left (deleted while open) when first seen.
    public var deleted: Bool
    /// The kernel named the file from its inode, so `path` starts at the root of the file's
    /// filesystem; `MountTable` turns it into a full path.
    public var pathIsFilesystemRelative: Bool

    public init(id: FileID, path: [UInt8], sizeBytes: UInt64, kind: FileKind, deleted: Bool,
                pathIsFilesystemRelative: Bool = false) {
        self.id = id
        self.path = path
        self.sizeBytes = sizeBytes
        self.kind = kind
        self.deleted = deleted
        self.pathIsFilesystemRelative = pathIsFilesystemRelative
    }

    /// Joins path components sent leaf first ("a.engine", "models") into "/models/a.engine".
    /// An incomplete walk (too deep or too long) is marked with a leading "…".
    public static func path(fromLeafFirstComponents components: [[UInt8]], complete: Bool) -> [UInt8] {
        if components.isEmpty { return complete ? Array("/".utf8) : [] }
        var path: [UInt8] = complete ? [] : Array("…".utf8)
        for component in components.reversed() {
            path.append(UInt8(ascii: "/"))
            path.append(contentsOf: component)
        }
        return path
    }
}

/// A process described by the kernel the first time it read a traced file.
public struct ProcessRecord: Sendable, Equatable {
    public var pid: Int32
    public var parentPid: Int32
    public var cgroupID: UInt64
    public var comm: String
    /// The command line as the kernel copied it (arguments joined by spaces), nil if it could not;
    /// `cmdlineComplete` is false when it was cut short.
    public var cmdline: String?
    public var cmdlineComplete: Bool

    public init(pid: Int32, parentPid: Int32, cgroupID: UInt64, comm: String, cmdline: String? = nil,
                cmdlineComplete: Bool = true) {
        self.pid = pid
        self.parentPid = parentPid
        self.cgroupID = cgroupID
        self.comm = comm
        self.cmdline = cmdline
        self.cmdlineComplete = cmdlineComplete
    }

    /// Joins NUL-separated arguments (as in /proc/PID/cmdline) with spaces.
    public static func cmdline(fromNulSeparated bytes: some Collection<UInt8>) -> String? {
        let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false)
        let trimmed = arguments.last?.isEmpty == true ? arguments.dropLast() : arguments[...]
        guard !trimmed.isEmpty else { return nil }
        return trimmed.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }
}

/// Everything the kernel side sends.
public enum KernelEvent: Sendable {
    case read(ReadRecord)
    case file(FileRecord)
    case process(ProcessRecord)
    case block(BlockRecord)
    case faultFill(FaultFillRecord)
    case cgroup(CgroupRecord)
}

/// A cgroup v2 directory made while tracing (sent only for --pod and --container).
public struct CgroupRecord: Sendable, Equatable {
    public var id: UInt64
    public var level: Int
    /// From the hierarchy's root: "/kubepods.slice/…".
    public var path: String

    public init(id: UInt64, level: Int, path: String) {
        self.id = id
        self.level = level
        self.path = path
    }
}

/// What one block device completed for reads while readtrace ran, and who caused it.
/// `attributedBytes + filteredBytes + unattributedBytes == readBytes`.
public struct DeviceReadCounters: Sendable, Equatable {
    public var readBytes: UInt64 = 0
    public var readIOs: UInt64 = 0
    /// Caused by traced processes, for a file: the sum of the `block_read_bytes` in `reads`.
    public var attributedBytes: UInt64 = 0
    /// Caused by processes the filters leave out.
    public var filteredBytes: UInt64 = 0
    /// Tied to no file (metadata, swap, raw device), or created before tracing began.
    public var unattributedBytes: UInt64 = 0

    public init(readBytes: UInt64 = 0, readIOs: UInt64 = 0, attributedBytes: UInt64 = 0, filteredBytes: UInt64 = 0,
                unattributedBytes: UInt64 = 0) {
        self.readBytes = readBytes
        self.readIOs = readIOs
        self.attributedBytes = attributedBytes
        self.filteredBytes = filteredBytes
        self.unattributedBytes = unattributedBytes
    }

    public static func + (lhs: Self, rhs: Self) -> Self {
        Self(readBytes: lhs.readBytes + rhs.readBytes, readIOs: lhs.readIOs + rhs.readIOs,
             attributedBytes: lhs.attributedBytes + rhs.attributedBytes, filteredBytes: lhs.filteredBytes + rhs.filteredBytes,
             unattributedBytes: lhs.unattributedBytes + rhs.unattributedBytes)
    }
}

/// Kernel-side counters summed over CPUs.
public struct KernelCounters: Sendable, Equatable {
    public var eventsEmitted: UInt64
    /// Ring-buffer reservations that failed: records the kernel could not send.
    public var eventsLost: UInt64
    /// Times the kernel skipped one of readtrace's programs because it was already running on
    /// that CPU (an interrupt's block completion arriving while it ran): events never seen.
    public var skippedProgramRuns: UInt64

    public init(eventsEmitted: UInt64 = 0, eventsLost: UInt64 = 0, skippedProgramRuns: UInt64 = 0) {
        self.eventsEmitted = eventsEmitted
        self.eventsLost = eventsLost
        self.skippedProgramRuns = skippedProgramRuns
    }
}

/// Which kernel hooks deliver the reads.
public enum HookKind: String, Sendable, CaseIterable {
    case fentry
    case kprobe
    case tracepoint
    /// The page cache's own tracepoint instead of the read calls: no syscall tracepoints.
    case light

    /// Whether each read call is seen and timed; the light hook sees buffered reads as page ranges.
    public var timesReads: Bool { self != .light }

    /// What the reads' figures mean with this hook, for the dump and the summary.
    public var accuracy: String {
        timesReads
            ? "every read-family call on a regular file: exact bytes, errors and entry-to-return latency"
            : "buffered reads as the page cache saw them: bytes in whole pages clipped at the end of the file, "
                + "no per-call latency (latency fields are null), direct IO not seen"
    }
}
