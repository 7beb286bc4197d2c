import CBPF
import Glibc
import ReadTraceCore

/// What the kernel side traces; turned into rodata and map entries before attach.
public struct KernelConfiguration: Sendable {
    public enum HookChoice: String, Sendable, CaseIterable {
        case auto, fentry, kprobe, tracepoint, light
    }

    public var hook: HookChoice = .auto
    public var pids: [Int32] = []
    public var comms: [String] = []
    /// Cgroup v2 ids with their depth below the root (the root is level 0).
    public var cgroups: [(id: UInt64, level: Int)] = []
    /// Trace only readtrace's children and their descendants (plus `pids`).
    public var traceChildren = false
    /// Report new cgroups (for --pod and --container, whose cgroups may appear later); any
    /// cgroup depth can then be filtered on.
    public var watchCgroups = false
    /// For benchmarks: attach the read hooks with programs that return at once.
    public var emptyReadHooks = false
    public var allFiles = false
    public var ringBufferBytes = 4 << 20
    public var verbose = false

    public init() {}

    public static let maxComms = Int(RT_MAX_COMM_FILTERS)
    public static let maxCgroupDepth = Int(RT_MAX_CGROUP_DEPTH)
}

/// The loaded and attached BPF programs: the only owner of the skeleton.
/// Detaches everything when released.
public final class KernelTracer {
    public let hook: HookKind
    /// Which faster variants the kernel refused and why; empty when the first choice loaded.
    public let refusedHooks: [String]
    /// What this run cannot report or costs the whole node, with the reason.
    public let limitations: [String]
    private let skeleton: UnsafeMutablePointer<readtrace>
    private var ringBuffer: OpaquePointer?
    private let sink = EventSink()
    private let possibleCPUs: Int

    public init(configuration: KernelConfiguration) throws {
        CBPF_set_libbpf_verbose(configuration.verbose)
        let cpus = libbpf_num_possible_cpus()
        guard cpus > 0 else { throw KernelError(step: "count possible CPUs", errno: -cpus) }
        possibleCPUs = Int(cpus)

        // Fastest first: fentry costs tens of nanoseconds per call; a kprobe more, but only on
        // the read path; syscall tracepoints send every syscall of every task the slow way.
        let candidates: [HookKind] = switch configuration.hook {
        case .auto: [.fentry, .kprobe, .tracepoint]
        case .fentry: [.fentry]
        case .kprobe: [.kprobe]
        case .tracepoint: [.tracepoint]
        case .light: [.light]
        }
        let tracepoints = KernelTracepoints()
        if configuration.hook == .light, !tracepoints.hasFilemapGetPages {
            throw KernelError(step: "--hook light", errno: EOPNOTSUPP,
                              hint: "this kernel has no filemap/mm_filemap_get_pages tracepoint; it came in 6.10")
        }
        var refusals: [String] = []
        var loaded: (UnsafeMutablePointer<readtrace>, HookKind)?
        for candidate in candidates {
            if configuration.hook == .auto, candidate == .kprobe, !Self.kernelHasKprobes {
                refusals.append("kprobe was skipped: this kernel has no kprobes")
                continue
            }
            do {
                loaded = (try Self.load(configuration, hook: candidate, tracepoints: tracepoints), candidate)
                break
            } catch let error as KernelError {
                if candidate == candidates.last { throw error }
                refusals.append("\(candidate.rawValue) was refused: \(error)")
            }
        }
        guard let (skeleton, hook) = loaded else { preconditionFailure("no hook candidates") }
        self.skeleton = skeleton
        self.hook = hook
        refusedHooks = refusals
        limitations = tracepoints.limitations(hook: hook, chosenAutomatically: configuration.hook == .auto)

        let context = Unmanaged.passUnretained(sink).toOpaque()
        ringBuffer = ring_buffer__new(bpf_map__fd(skeleton.pointee.maps.events), { context, data, size in
            guard let context, let data else { return 0 }
            Unmanaged<EventSink>.fromOpaque(context).takeUnretainedValue().deliver(UnsafeRawPointer(data), size)
            return 0
        }, context, nil)
        guard ringBuffer != nil else {
            readtrace__destroy(skeleton)
            throw KernelError(step: "create ring buffer reader", errno: errno)
        }
    }

    deinit {
        ring_buffer__free(ringBuffer)
        readtrace__destroy(skeleton)
    }

    /// libbpf creates kprobes through the kprobe PMU, or tracefs's kprobe_events on older
    /// kernels; with neither (CONFIG_KPROBES off) a kprobe can load but never attach.
    private static var kernelHasKprobes: Bool {
        let interfaces = ["/sys/bus/event_source/devices/kprobe/type", "/sys/kernel/tracing/kprobe_events",
                          "/sys/kernel/debug/tracing/kprobe_events"]
        return interfaces.contains { (path: String) in access(path, F_OK) == 0 }
    }

    /// Opens, configures, loads and attaches one hook variant; destroys it on failure.
    private static func load(_ configuration: KernelConfiguration, hook: HookKind,
                             tracepoints: KernelTracepoints) throws -> UnsafeMutablePointer<readtrace> {
        guard let skeleton = readtrace__open() else {
            throw KernelError(step: "open BPF object", errno: errno)
        }
        do {
            try configure(skeleton, configuration, hook: hook, tracepoints: tracepoints)
            let loadResult = readtrace__load(skeleton)
            guard loadResult == 0 else {
                throw KernelError(step: "load \(hook.rawValue) programs", errno: -loadResult,
                                  hint: -loadResult == EPERM && geteuid() != 0 ? "readtrace needs root, or CAP_BPF and CAP_PERFMON" : nil)
            }
            try fillFilterMaps(skeleton, configuration)
            let attachResult = readtrace__attach(skeleton)
            guard attachResult == 0 else {
                throw KernelError(step: "attach \(hook.rawValue) programs", errno: -attachResult,
                                  hint: -attachResult == ENOENT ? "is tracefs mounted at /sys/kernel/tracing?" : nil)
            }
            return skeleton
        } catch {
            readtrace__destroy(skeleton)
            throw error
        }
    }

    private static func configure(_ skeleton: UnsafeMutablePointer<readtrace>, _ configuration: KernelConfiguration, hook: HookKind,
                                  tracepoints: KernelTracepoints) throws {
        let rodata = skeleton.pointee.rodata!
        rodata.pointee.self_tgid = UInt32(getpid())
        rodata.pointee.filter_by_tgid = configuration.traceChildren || !configuration.pids.isEmpty
        rodata.pointee.follow_forks = configuration.traceChildren
        rodata.pointee.all_files = configuration.allFiles
        rodata.pointee.empty_read_hooks = configuration.emptyReadHooks
        rodata.pointee.light_reads = hook == .light
        rodata.pointee.page_size = UInt32(sysconf(Int32(_SC_PAGESIZE)))
        precondition(configuration.comms.count <= KernelConfiguration.maxComms, "validated by the command")
        for (index, comm) in configuration.comms.enumerated() {
            CBPF_set_comm_filter(skeleton, UInt32(index), comm)
        }
        rodata.pointee.comm_filter_count = UInt32(configuration.comms.count)
        let deepest = configuration.watchCgroups ? KernelConfiguration.maxCgroupDepth - 1 : configuration.cgroups.map(\.level).max()
        rodata.pointee.cgroup_filter_levels = deepest.map { UInt32($0 + 1) } ?? 0

        let programs = skeleton.pointee.progs
        let programsByHook: [HookKind: [OpaquePointer?]] = [
            .fentry: [programs.fentry_vfs_read, programs.fexit_vfs_read, programs.fentry_vfs_readv, programs.fexit_vfs_readv],
            .kprobe: [programs.kprobe_vfs_read, programs.kretprobe_vfs_read, programs.kprobe_vfs_readv, programs.kretprobe_vfs_readv],
            .tracepoint: [programs.enter_read, programs.exit_read, programs.enter_pread64, programs.exit_pread64,
                          programs.enter_readv, programs.exit_readv, programs.enter_preadv, programs.exit_preadv,
                          programs.enter_preadv2, programs.exit_preadv2],
            .light: [programs.light_read],
        ]
        for (variant, variantPrograms) in programsByHook {
            for program in variantPrograms { bpf_program__set_autoload(program, variant == hook) }
        }
        bpf_program__set_autoload(programs.follow_fork, configuration.traceChildren)
        bpf_program__set_autoload(programs.block_io_start, tracepoints.hasBlockIOStart)
        bpf_program__set_autoload(programs.block_getrq, !tracepoints.hasBlockIOStart)
        rodata.pointee.decide_at_bio = !tracepoints.hasBlockIOStart
        bpf_program__set_autoload(programs.note_fault, tracepoints.hasFilemapFault)
        bpf_program__set_autoload(programs.watch_cgroup_mkdir, configuration.watchCgroups)

        rodata.pointee.wakeup_threshold_bytes = UInt64(configuration.ringBufferBytes / 8)
        let result = bpf_map__set_max_entries(skeleton.pointee.maps.events, UInt32(configuration.ringBufferBytes))
        guard result == 0 else { throw KernelError(step: "size ring buffer", errno: -result) }
    }

    private static func fillFilterMaps(_ skeleton: UnsafeMutablePointer<readtrace>, _ configuration: KernelConfiguration) throws {
        for pid in configuration.pids {
            try insert(UInt32(pid), into: skeleton.pointee.maps.traced_tgids, what: "trace pid \(pid)")
        }
        for cgroup in configuration.cgroups {
            try insert(cgroup.id, into: skeleton.pointee.maps.traced_cgroups, what: "trace cgroup \(cgroup.id)")
        }
    }

    private static func insert<Key: BitwiseCopyable>(_ key: Key, into map: OpaquePointer?, what: String) throws {
        var key = key
        var present: UInt8 = 1
        let result = bpf_map__update_elem(map, &key, MemoryLayout<Key>.size, &present, 1, UInt64(BPF_ANY))
        guard result == 0 else { throw KernelError(step: what, errno: -result) }
    }

    /// Starts tracing the processes in a cgroup (and below it) from now on.
    public func traceCgroup(id: UInt64) throws {
        try Self.insert(id, into: skeleton.pointee.maps.traced_cgroups, what: "trace cgroup \(id)")
    }

    /// How often the ring buffer must be drained: the kernel wakes readers only once an
    /// eighth of it is full, so a quiet trickle of records waits for this timer.
    public static let drainIntervalNanoseconds: UInt64 = 100_000_000

    /// The ring buffer's epoll descriptor: readable when an eighth of the buffer is waiting.
    public var pollDescriptor: Int32 { ring_buffer__epoll_fd(ringBuffer) }

    /// Sees every record as the kernel wrote it, before it is decoded (`--record-stream`).
    public var rawRecordObserver: ((UnsafeRawBufferPointer) -> Void)? {
        get { sink.recordRaw }
        set { sink.recordRaw = newValue }
    }

    /// Hands every waiting record to `handle`, in order; returns how many there were.
    @discardableResult
    public func drain(_ handle: (KernelEvent) -> Void) throws -> Int {
        try withoutActuallyEscaping(handle) { handle in
            sink.handle = handle
            defer { sink.handle = nil }
            let consumed = ring_buffer__consume(ringBuffer)
            guard consumed >= 0 else { throw KernelError(step: "read ring buffer", errno: -consumed) }
            return Int(consumed)
        }
    }

    /// Sums the per-CPU counters.
    public func counters() throws -> KernelCounters {
        var zero: UInt32 = 0
        var perCPU = [rt_counters](repeating: rt_counters(), count: possibleCPUs)
        let result = perCPU.withUnsafeMutableBytes { values in
            bpf_map__lookup_elem(skeleton.pointee.maps.counters, &zero, 4, values.baseAddress, values.count, 0)
        }
        guard result == 0 else { throw KernelError(step: "read counters", errno: -result) }
        var total = perCPU.reduce(into: KernelCounters()) { total, cpu in
            total.eventsEmitted += cpu.events_emitted
            total.eventsLost += cpu.events_lost
        }
        total.skippedProgramRuns = skippedProgramRuns()
        return total
    }

    /// The kernel's count, per loaded program, of runs skipped because the program was already
    /// running on that CPU (bpf_prog_info.recursion_misses, 5.12+; 0 where it is not kept).
    private func skippedProgramRuns() -> UInt64 {
        var skipped: UInt64 = 0
        var program = bpf_object__next_program(skeleton.pointee.obj, nil)
        while let current = program {
            let descriptor = bpf_program__fd(current)
            if descriptor >= 0 {
                var info = bpf_prog_info()
                var length = UInt32(MemoryLayout<bpf_prog_info>.size)
                if bpf_obj_get_info_by_fd(descriptor, &info, &length) == 0 { skipped += info.recursion_misses }
            }
            program = bpf_object__next_program(skeleton.pointee.obj, current)
        }
        return skipped
    }
}

extension KernelTracer {
    /// What each block device completed for reads since the programs were loaded.
    public func deviceReads() -> [DeviceNumber: DeviceReadCounters] {
        let map = skeleton.pointee.maps.device_reads
        var result: [DeviceNumber: DeviceReadCounters] = [:]
        var key: UInt32 = 0
        var hasKey = false
        while true {
            var next: UInt32 = 0
            let step = hasKey ? bpf_map__get_next_key(map, &key, &next, 4) : bpf_map__get_next_key(map, nil, &next, 4)
            guard step == 0 else { break }
            var reads = rt_device_reads()
            if bpf_map__lookup_elem(map, &next, 4, &reads, MemoryLayout<rt_device_reads>.size, 0) == 0 {
                let byCause = withUnsafeBytes(of: reads.bytes_by_cause) { Array($0.bindMemory(to: UInt64.self)) }
                result[DeviceNumber(rawValue: next)] = DeviceReadCounters(
                    readBytes: reads.read_bytes, readIOs: reads.read_ios,
                    attributedBytes: byCause[Int(RT_BLOCK_ATTRIBUTED.rawValue)],
                    filteredBytes: byCause[Int(RT_BLOCK_FILTERED.rawValue)],
                    unattributedBytes: byCause[Int(RT_BLOCK_UNATTRIBUTED.rawValue)])
            }
            key = next
            hasKey = true
        }
        return result
    }
}

/// Tracepoints that only newer kernels have (a tp_btf program for a missing one would fail
/// the whole load), looked up in tracefs, which is far cheaper than parsing the kernel's BTF.
private struct KernelTracepoints {
    /// block_io_start (6.5+) sees every request as it is created; before it, block_getrq
    /// sees the request's first bio.
    var hasBlockIOStart = Self.exists("block/block_io_start")
    /// mm_filemap_fault (6.10+) marks page faults on mapped files.
    var hasFilemapFault = Self.exists("filemap/mm_filemap_fault")
    /// mm_filemap_get_pages (6.10+, with mm_filemap_fault) sees buffered reads in the page cache: the light hook.
    var hasFilemapGetPages = Self.exists("filemap/mm_filemap_get_pages")

    private static func exists(_ event: String) -> Bool {
        ["/sys/kernel/tracing/events/", "/sys/kernel/debug/tracing/events/"].contains { access($0 + event, F_OK) == 0 }
    }

    func limitations(hook: HookKind, chosenAutomatically: Bool) -> [String] {
        var notes: [String] = []
        if !hasFilemapFault {
            notes.append("page faults on mapped files are not counted: this kernel has no mm_filemap_fault tracepoint (6.10+)")
        }
        if hook == .light { notes.append("light hook: \(hook.accuracy)") }
        if hook == .tracepoint, chosenAutomatically {
            notes.append("syscall tracepoints send every syscall of every process on this node through the kernel's slow path "
                + "(small cached reads run about 1.5x slower with even an empty program attached)"
                + (hasFilemapGetPages ? "; --hook light avoids them, at page granularity and without per-call latency" : ""))
        }
        return notes
    }
}

/// Receives ring-buffer records inside ring_buffer__consume and hands them on decoded; the C
/// callback reaches it through an unretained pointer.
private final class EventSink {
    var handle: ((KernelEvent) -> Void)?
    /// Sees every record as the kernel wrote it, before decoding (`--record-stream`).
    var recordRaw: ((UnsafeRawBufferPointer) -> Void)?

    func deliver(_ data: UnsafeRawPointer, _ size: Int) {
        let record = UnsafeRawBufferPointer(start: data, count: size)
        recordRaw?(record)
        guard let handle, let event = RecordDecoder.decode(record) else { return }
        handle(event)
    }
}

