import CBPF
import ReadTraceCore

/// Turns one ring-buffer record, as the BPF programs wrote it, into a Swift value. Pure: the
/// tests feed it recorded bytes without root.
public enum RecordDecoder {
    /// The record's event, or nil for a record too short for its type or of an unknown type.
    public static func decode(_ record: UnsafeRawBufferPointer) -> KernelEvent? {
        guard let data = record.baseAddress, record.count >= MemoryLayout<UInt32>.size else { return nil }
        let size = record.count
        switch data.loadUnaligned(as: UInt32.self) {
        case UInt32(RT_EVENT_READ.rawValue) where size >= MemoryLayout<rt_read_event>.size:
            return .read(ReadRecord(data.loadUnaligned(as: rt_read_event.self)))
        case UInt32(RT_EVENT_FILE.rawValue) where size >= CBPF_file_event_path_offset():
            return .file(FileRecord(fileEventAt: data, size: size))
        case UInt32(RT_EVENT_PROCESS.rawValue) where size >= MemoryLayout<rt_process_event>.size:
            return .process(ProcessRecord(processEventAt: data))
        case UInt32(RT_EVENT_BLOCK.rawValue) where size >= MemoryLayout<rt_block_event>.size:
            return .block(BlockRecord(data.loadUnaligned(as: rt_block_event.self)))
        case UInt32(RT_EVENT_FAULT_FILL.rawValue) where size >= MemoryLayout<rt_fault_event>.size:
            return .faultFill(FaultFillRecord(data.loadUnaligned(as: rt_fault_event.self)))
        case UInt32(RT_EVENT_FUSE_DAEMON.rawValue) where size >= MemoryLayout<rt_fuse_daemon_event>.size:
            let event = data.loadUnaligned(as: rt_fuse_daemon_event.self)
            return .fuseDaemon(FuseDaemonRecord(pid: Int32(bitPattern: event.tgid), filesystem: DeviceNumber(rawValue: event.dev)))
        case UInt32(RT_EVENT_CGROUP.rawValue) where size >= CBPF_cgroup_event_path_offset() + Int(RT_CGROUP_PATH_MAX):
            let event = data.loadUnaligned(as: rt_cgroup_event.self)
            let path = UnsafeRawBufferPointer(start: data + CBPF_cgroup_event_path_offset(), count: Int(RT_CGROUP_PATH_MAX))
            return .cgroup(
                CgroupRecord(
                    id: event.id, level: Int(event.level),
                    path: String(decoding: path.prefix { $0 != 0 }, as: UTF8.self)))
        case UInt32(RT_EVENT_MARK.rawValue) where size >= MemoryLayout<rt_mark_event>.size:
            return .mark(MarkRecord(data.loadUnaligned(as: rt_mark_event.self)))
        case UInt32(RT_EVENT_EXEC.rawValue) where size >= MemoryLayout<rt_exec_event>.size:
            return .exec(pid: Int32(bitPattern: data.loadUnaligned(as: rt_exec_event.self).tgid))
        default:
            return nil
        }
    }
}

extension ReadRecord {
    init(_ event: rt_read_event) {
        self.init(
            pid: Int32(bitPattern: event.tgid), threadID: Int32(bitPattern: event.tid),
            file: FileID(device: DeviceNumber(rawValue: event.dev), inode: event.inode),
            endNanoseconds: event.end_ns, latencyNanoseconds: event.latency_ns == 0 ? nil : event.latency_ns, result: event.result,
            cacheMissBytes: event.cache_miss_bytes)
    }
}

extension MarkRecord {
    init(_ event: rt_mark_event) {
        self.init(
            pid: Int32(bitPattern: event.tgid), threadID: Int32(bitPattern: event.tid), mark: Int(event.mark),
            startNanoseconds: event.start_ns, endNanoseconds: max(event.end_ns, event.start_ns),
            bytes: event.flags & UInt32(RT_MARK_HAS_BYTES.rawValue) != 0 ? event.bytes : nil)
    }
}

extension BlockRecord {
    init(_ event: rt_block_event) {
        let lower = FileID(device: DeviceNumber(rawValue: event.lower_dev), inode: event.lower_inode)
        self.init(
            pid: Int32(bitPattern: event.tgid), device: DeviceNumber(rawValue: event.device),
            file: FileID(device: DeviceNumber(rawValue: event.file_dev), inode: event.file_inode),
            lowerFile: event.lower_inode == 0 ? nil : lower, bytes: event.bytes,
            completesRequest: event.completed != 0, endNanoseconds: event.end_ns,
            queuedNanoseconds: event.queued_ns, serviceNanoseconds: event.service_ns == 0 ? nil : event.service_ns)
    }
}

extension FaultFillRecord {
    init(_ event: rt_fault_event) {
        self.init(
            pid: Int32(bitPattern: event.tgid), file: FileID(device: DeviceNumber(rawValue: event.dev), inode: event.inode),
            bytes: event.bytes, endNanoseconds: event.end_ns, cause: Self.cause(event.cause))
    }

    private static func cause(_ raw: UInt32) -> Cause {
        switch raw {
        case RT_FILL_READ.rawValue: .read
        case RT_FILL_MAPPED.rawValue: .mapped
        case RT_FILL_PREFETCH.rawValue: .prefetch
        default: .fault
        }
    }
}

extension ProcessRecord {
    init(processEventAt data: UnsafeRawPointer) {
        let event = data.assumingMemoryBound(to: rt_process_event.self)
        let comm = nulTerminated(event.pointee.comm)
        let copied = min(Int(event.pointee.cmdline_bytes), Int(RT_CMDLINE_MAX))
        let cmdline = UnsafeRawBufferPointer(start: data + CBPF_process_event_cmdline_offset(), count: copied)
        self.init(
            pid: Int32(bitPattern: event.pointee.tgid), parentPid: Int32(bitPattern: event.pointee.parent_tgid),
            cgroupID: event.pointee.cgroup_id, comm: comm, cmdline: ProcessRecord.cmdline(fromNulSeparated: cmdline),
            cmdlineComplete: event.pointee.cmdline_full_bytes <= UInt64(copied))
    }
}

extension FileRecord {
    /// Reads the header fields and the packed path in place.
    init(fileEventAt data: UnsafeRawPointer, size: Int) {
        let event = data.assumingMemoryBound(to: rt_file_event.self)
        let pathStart = data + CBPF_file_event_path_offset()
        let pathBytes = min(Int(event.pointee.path_bytes), size - CBPF_file_event_path_offset())
        // Empty components mark crossed mount points.
        let components = UnsafeRawBufferPointer(start: pathStart, count: max(pathBytes, 0))
            .split(separator: 0, omittingEmptySubsequences: true).map { Array($0) }
        let flags = event.pointee.flags
        let complete = flags & UInt32(RT_FILE_PATH_TRUNCATED.rawValue) == 0
        let kind = FileKind(mode: event.pointee.mode)
        // Pipes and sockets live in pseudo filesystems with no path to walk.
        let named = !components.isEmpty || kind == .directory
        let filesystemType = FileRecord.filesystemType(
            name: nulTerminated(event.pointee.fs_type), subtype: nulTerminated(event.pointee.fs_subtype))
        let measured =
            flags & UInt32(RT_FILE_CACHE_MEASURED.rawValue) != 0
            && !FileRecord.stackedFilesystemTypes.contains(filesystemType ?? "")
        self.init(
            id: FileID(device: DeviceNumber(rawValue: event.pointee.dev), inode: event.pointee.inode),
            path: named ? FileRecord.path(fromLeafFirstComponents: components, complete: complete) : [],
            sizeBytes: event.pointee.size_bytes, kind: kind,
            deleted: flags & UInt32(RT_FILE_DELETED.rawValue) != 0,
            pathIsFilesystemRelative: flags & UInt32(RT_FILE_PATH_FROM_FS_ROOT.rawValue) != 0,
            pathIsTruncated: named && !complete, filesystemType: filesystemType,
            cachedBytesAtFirstRead: measured ? event.pointee.cached_bytes : nil)
    }
}

/// The text of a fixed-size, NUL-padded C character array.
private func nulTerminated<Field>(_ field: Field) -> String {
    withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
