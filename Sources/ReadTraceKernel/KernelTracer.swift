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
    /// The agent's selection, decided in the kernel: reads of other files are counted per
    /// process there (`unselectedReads`) and never sent. nil: every read is sent.
    public var fileSelection: SuffixSelection?
    public var ringBufferBytes = 4 << 20
    public var verbose = false
    /// Load the `--mark` programs (attached one marker at a time with `attachMark`).
    public var marks = false
    /// Report execs of traced processes: a marker's library may appear in their mount namespace.
    public var watchExecs = false

    public init() {}

    public static let maxComms = Int(RT_MAX_COMM_FILTERS)
    public static let maxCgroupDepth = Int(RT_MAX_CGROUP_DEPTH)
}

/// The loaded and attached BPF programs: the only owner of the skeleton. Its lifecycle is
/// open → configure → load → attach → poll → destroy; `start` undoes a failed start, `deinit`
/// a running one, so every probe is detached on every exit path.
public final class KernelTracer {
    public let hook: HookKind
    /// Which faster variants were refused and why; empty when the first choice loaded.
    public let refusedHooks: [HookRefusal]
    /// What this run cannot report or costs the whole node.
    public let limitations: [TraceLimitation]
    /// How page faults on mapped files are seen.
    public let faultHook: FaultHook
    private let skeleton: UnsafeMutablePointer<readtrace>
    private let ringBuffer: OpaquePointer
    private let sink = EventSink()
    private let possibleCPUs: Int
    /// The `--mark` probes attached so far, detached before the skeleton goes.
    private var markLinks: [OpaquePointer] = []

    /// Attaches the fastest hook `configuration` allows that this kernel accepts, adapting the
    /// other programs to `features`.
    public init(configuration: KernelConfiguration, features: KernelFeatures) throws {
        CBPF_set_libbpf_verbose(configuration.verbose)
        let cpus = libbpf_num_possible_cpus()
        guard cpus > 0 else { throw KernelError(step: .countCPUs, errno: Errno(negated: cpus)) }
        possibleCPUs = Int(cpus)

        // Fastest first: fentry costs tens of nanoseconds per call; a kprobe more, but only on
        // the read path; syscall tracepoints send every syscall of every task the slow way.
        let candidates: [HookKind] =
            switch configuration.hook {
            case .auto: [.fentry, .kprobe, .tracepoint]
            case .fentry: [.fentry]
            case .kprobe: [.kprobe]
            case .tracepoint: [.tracepoint]
            case .light: [.light]
            }
        var refusals: [HookRefusal] = []
        var started: (UnsafeMutablePointer<readtrace>, OpaquePointer, HookKind)?
        for candidate in candidates {
            if let missing = Self.missingFeature(for: candidate, in: features) {
                let refusal = HookRefusal.unsupported(candidate, missing: missing)
                if candidate == candidates.last { throw refusal }
                refusals.append(refusal)
                continue
            }
            do {
                let (skeleton, ringBuffer) = try Self.start(configuration, hook: candidate, features: features, sink: sink)
                started = (skeleton, ringBuffer, candidate)
                break
            } catch let error as KernelError {
                if candidate == candidates.last { throw error }
                refusals.append(.failed(candidate, error))
            }
        }
        guard let (skeleton, ringBuffer, hook) = started else { preconditionFailure("the last candidate throws") }
        self.skeleton = skeleton
        self.ringBuffer = ringBuffer
        self.hook = hook
        refusedHooks = refusals
        faultHook = FaultHook(features)
        limitations = Self.limitations(hook: hook, chosenAutomatically: configuration.hook == .auto, features: features)
    }

    deinit {
        for link in markLinks { bpf_link__destroy(link) }
        ring_buffer__free(ringBuffer)
        readtrace__destroy(skeleton)
    }

    /// The feature a hook variant cannot do without, if this kernel lacks it. fentry is not
    /// decided here: loading it is the test.
    static func missingFeature(for hook: HookKind, in features: KernelFeatures) -> KernelFeature? {
        let needed: KernelFeature? =
            switch hook {
            case .kprobe: .kprobes
            case .light: .filemapGetPages
            case .fentry, .tracepoint: nil
            }
        return needed.flatMap { features.has($0) ? nil : $0 }
    }

    /// What a run with `hook` cannot report, or costs the node, on a kernel with `features`.
    static func limitations(hook: HookKind, chosenAutomatically: Bool, features: KernelFeatures) -> [TraceLimitation] {
        var limitations: [TraceLimitation] = []
        let faultHook = FaultHook(features)
        if faultHook.naming == nil { limitations.append(.mappedFaultsNotCounted) }
        if faultHook.naming != nil, !faultHook.countsMappedBytes { limitations.append(.mappedBytesNotCounted) }
        if hook != .light, !features.has(.ioUringSubmitReq), !features.has(.ioUringSubmitSqe) {
            limitations.append(.ioUringReadsNotCounted)
        }
        if !features.has(.fuseRequestEnd) { limitations.append(.fuseDaemonsNotFollowed) }
        if hook == .light { limitations.append(.lightHookAccuracy) }
        if hook == .tracepoint, chosenAutomatically {
            limitations.append(.syscallTracepointsSlowEveryProcess(lightHookAvailable: features.has(.filemapGetPages)))
        }
        return limitations
    }

    /// Opens, configures, loads and attaches one hook variant and its ring-buffer reader; on
    /// any failure destroys what it made (libbpf detaches what was attached) and throws.
    private static func start(
        _ configuration: KernelConfiguration, hook: HookKind, features: KernelFeatures,
        sink: EventSink
    ) throws -> (UnsafeMutablePointer<readtrace>, OpaquePointer) {
        guard let skeleton = readtrace__open() else {
            throw KernelError(step: .openObject, errno: .current)
        }
        do {
            try configure(skeleton, configuration, hook: hook, features: features)
            let loadResult = readtrace__load(skeleton)
            guard loadResult == 0 else { throw KernelError(step: .load(hook), errno: Errno(negated: loadResult)) }
            try fillFilterMaps(skeleton, configuration)
            let attachResult = readtrace__attach(skeleton)
            guard attachResult == 0 else { throw KernelError(step: .attach(hook), errno: Errno(negated: attachResult)) }
            let context = Unmanaged.passUnretained(sink).toOpaque()
            let ringBuffer = ring_buffer__new(
                bpf_map__fd(skeleton.pointee.maps.events),
                { context, data, size in
                    guard let context, let data else { return 0 }
                    let sink = Unmanaged<EventSink>.fromOpaque(context).takeUnretainedValue()
                    // A negative value stops ring_buffer__consume after this record (consumed).
                    return sink.deliver(UnsafeRawPointer(data), size) ? 0 : EventSink.outOfTime
                }, context, nil)
            guard let ringBuffer else { throw KernelError(step: .createRingBufferReader, errno: .current) }
            return (skeleton, ringBuffer)
        } catch {
            readtrace__destroy(skeleton)
            throw error
        }
    }

    private static func configure(
        _ skeleton: UnsafeMutablePointer<readtrace>, _ configuration: KernelConfiguration, hook: HookKind,
        features: KernelFeatures
    ) throws {
        setOptions(skeleton, configuration, hook: hook, features: features)
        chooseReadPrograms(skeleton.pointee.progs, hook: hook)
        chooseOtherPrograms(skeleton.pointee.progs, configuration, hook: hook, features: features)
        let result = bpf_map__set_max_entries(skeleton.pointee.maps.events, UInt32(configuration.ringBufferBytes))
        guard result == 0 else { throw KernelError(step: .sizeRingBuffer, errno: Errno(negated: result)) }
        // Without a selection nothing is counted there: no memory for it (a map needs one entry).
        if configuration.fileSelection == nil { bpf_map__set_max_entries(skeleton.pointee.maps.unselected_reads, 1) }
    }

    /// The programs' rodata options, the filters among them.
    private static func setOptions(
        _ skeleton: UnsafeMutablePointer<readtrace>, _ configuration: KernelConfiguration, hook: HookKind,
        features: KernelFeatures
    ) {
        let rodata = skeleton.pointee.rodata!
        rodata.pointee.self_tgid = UInt32(ProcFS.ownPid())
        rodata.pointee.filter_by_tgid = configuration.traceChildren || !configuration.pids.isEmpty
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
        rodata.pointee.decide_at_bio = !features.has(.blockIOStart)
        rodata.pointee.follow_fuse_daemons = features.has(.fuseRequestEnd)
        rodata.pointee.have_bpf_loop = features.has(.bpfLoop)
        rodata.pointee.wakeup_threshold_bytes = UInt64(configuration.ringBufferBytes / 8)
        if let selection = configuration.fileSelection {
            rodata.pointee.select_files = true
            rodata.pointee.file_suffixes_casefold = selection.caseInsensitive
            rodata.pointee.file_suffix_count = UInt32(selection.suffixes.count)
            withUnsafeMutableBytes(of: &rodata.pointee.file_suffix_lengths) { lengths in
                withUnsafeMutableBytes(of: &rodata.pointee.file_suffixes) { suffixes in
                    withUnsafeMutableBytes(of: &rodata.pointee.file_suffix_masks) { masks in
                        for (index, suffix) in selection.suffixes.enumerated() {
                            let words = selection.words(index)
                            lengths.storeBytes(of: UInt32(suffix.count), toByteOffset: index * 4, as: UInt32.self)
                            for (offset, word) in [words.suffix.0, words.suffix.1].enumerated() {
                                suffixes.storeBytes(of: word, toByteOffset: index * 16 + offset * 8, as: UInt64.self)
                            }
                            for (offset, word) in [words.mask.0, words.mask.1].enumerated() {
                                masks.storeBytes(of: word, toByteOffset: index * 16 + offset * 8, as: UInt64.self)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Loads the read programs of `hook` only.
    private static func chooseReadPrograms(_ programs: readtrace.__Unnamed_struct_progs, hook: HookKind) {
        let programsByHook: [HookKind: [OpaquePointer?]] = [
            .fentry: [
                programs.fentry_vfs_read, programs.fexit_vfs_read, programs.fentry_vfs_readv, programs.fexit_vfs_readv,
                programs.fentry_do_splice_direct, programs.fexit_do_splice_direct,
                programs.fentry_splice_file_to_pipe, programs.fexit_splice_file_to_pipe,
                programs.fentry_vfs_copy_file_range, programs.fexit_vfs_copy_file_range,
                // Linux AIO passes no VFS read function: its submission and reaping calls.
                programs.fentry_sys_io_submit, programs.fexit_sys_io_submit, programs.fentry_sys_io_getevents,
                programs.fexit_sys_io_getevents, programs.fentry_sys_io_pgetevents, programs.fexit_sys_io_pgetevents,
                // Prefetch calls (madvise's, which needs bpf_find_vma, in chooseOtherPrograms).
                programs.fentry_sys_readahead, programs.fexit_sys_readahead, programs.fentry_sys_fadvise64,
                programs.fexit_sys_fadvise64, programs.fentry_sys_mmap, programs.fexit_sys_mmap,
            ],
            .kprobe: [
                programs.kprobe_vfs_read, programs.kretprobe_vfs_read, programs.kprobe_vfs_readv, programs.kretprobe_vfs_readv,
                programs.kprobe_do_splice_direct, programs.kretprobe_do_splice_direct,
                programs.kprobe_splice_file_to_pipe, programs.kretprobe_splice_file_to_pipe,
                programs.kprobe_vfs_copy_file_range, programs.kretprobe_vfs_copy_file_range,
                programs.kprobe_sys_io_submit, programs.kretprobe_sys_io_submit, programs.kprobe_sys_io_getevents,
                programs.kretprobe_sys_io_getevents, programs.kprobe_sys_io_pgetevents, programs.kretprobe_sys_io_pgetevents,
                programs.kprobe_sys_readahead, programs.kretprobe_sys_readahead, programs.kprobe_sys_fadvise64,
                programs.kretprobe_sys_fadvise64, programs.kprobe_sys_mmap, programs.kretprobe_sys_mmap,
            ],
            .tracepoint: [
                programs.enter_read, programs.exit_read, programs.enter_pread64, programs.exit_pread64,
                programs.enter_readv, programs.exit_readv, programs.enter_preadv, programs.exit_preadv,
                programs.enter_preadv2, programs.exit_preadv2, programs.enter_sendfile64, programs.exit_sendfile64,
                programs.enter_splice, programs.exit_splice, programs.enter_copy_file_range,
                programs.exit_copy_file_range,
                // Linux AIO passes no read syscall: its submission and reaping calls.
                programs.enter_io_submit, programs.exit_io_submit, programs.enter_io_getevents,
                programs.exit_io_getevents, programs.enter_io_pgetevents, programs.exit_io_pgetevents,
                // Prefetch calls (madvise's, which needs bpf_find_vma, in chooseOtherPrograms).
                programs.enter_readahead, programs.exit_readahead, programs.enter_fadvise64, programs.exit_fadvise64,
                programs.enter_mmap, programs.exit_mmap,
            ],
            .light: [programs.light_read],
        ]
        for (variant, variantPrograms) in programsByHook {
            for program in variantPrograms { bpf_program__set_autoload(program, variant == hook) }
        }
    }

    /// Forks, block requests, faults, new cgroups and io_uring: each as the run and the kernel need.
    private static func chooseOtherPrograms(
        _ programs: readtrace.__Unnamed_struct_progs, _ configuration: KernelConfiguration, hook: HookKind,
        features: KernelFeatures
    ) {
        bpf_program__set_autoload(programs.follow_fork, configuration.traceChildren)
        bpf_program__set_autoload(programs.block_io_start, features.has(.blockIOStart))
        bpf_program__set_autoload(programs.block_getrq, !features.has(.blockIOStart))
        bpf_program__set_autoload(programs.note_fuse_daemon, features.has(.fuseRequestEnd))
        let faults = FaultHook(features)
        bpf_program__set_autoload(programs.note_fault, faults.naming == .tracepoint)
        bpf_program__set_autoload(programs.fentry_filemap_fault, faults.naming == .fentry)
        bpf_program__set_autoload(programs.kprobe_filemap_fault, faults.naming == .kprobe)
        bpf_program__set_autoload(programs.note_user_fault, faults.naming == .pageFaultTracepoint)
        bpf_program__set_autoload(programs.count_mapped, faults.countsMappedBytes)
        bpf_program__set_autoload(programs.count_mapped_around, faults.countsMappedBytes)
        let madviseByHook: [HookKind: [OpaquePointer?]] = [
            .fentry: [programs.fentry_sys_madvise, programs.fexit_sys_madvise],
            .kprobe: [programs.kprobe_sys_madvise, programs.kretprobe_sys_madvise],
            .tracepoint: [programs.enter_madvise, programs.exit_madvise],
        ]
        for (variant, variantPrograms) in madviseByHook {
            for program in variantPrograms { bpf_program__set_autoload(program, variant == hook && features.has(.findVMA)) }
        }
        bpf_program__set_autoload(programs.watch_cgroup_mkdir, configuration.watchCgroups)
        for program in [programs.mark_function_entry, programs.mark_function_return, programs.mark_probe_begin, programs.mark_probe_end] {
            bpf_program__set_autoload(program, configuration.marks)
        }
        bpf_program__set_autoload(programs.mark_watch_exec, configuration.watchExecs)
        // io_uring reads pass no read hook: their own pair, on every hook but light (which sees
        // their buffered part in the page cache already).
        let ioUring = hook != .light
        let submitReq = features.has(.ioUringSubmitReq)
        let submitSqe = !submitReq && features.has(.ioUringSubmitSqe)
        bpf_program__set_autoload(programs.submit_io_uring_read, ioUring && submitReq)
        bpf_program__set_autoload(programs.submit_io_uring_read_sqe, ioUring && submitSqe)
        bpf_program__set_autoload(programs.complete_io_uring_read, ioUring && (submitReq || submitSqe))
    }

    private static func fillFilterMaps(_ skeleton: UnsafeMutablePointer<readtrace>, _ configuration: KernelConfiguration) throws {
        for pid in configuration.pids {
            try insert(UInt32(pid), into: skeleton.pointee.maps.traced_tgids, step: .tracePID(pid))
        }
        for cgroup in configuration.cgroups {
            try insert(cgroup.id, into: skeleton.pointee.maps.traced_cgroups, step: .traceCgroup(cgroup.id))
        }
    }

    private static func insert<Key: BitwiseCopyable>(_ key: Key, into map: OpaquePointer?, step: KernelError.Step) throws {
        var key = key
        var present: UInt8 = 1
        let result = bpf_map__update_elem(map, &key, MemoryLayout<Key>.size, &present, 1, UInt64(BPF_ANY))
        guard result == 0 else { throw KernelError(step: step, errno: Errno(negated: result)) }
    }

    /// Starts tracing the processes in a cgroup (and below it) from now on.
    public func traceCgroup(id: UInt64) throws {
        try Self.insert(id, into: skeleton.pointee.maps.traced_cgroups, step: .traceCgroup(id))
    }

    /// Attaches the probes of marker number `index` to the ELF file at `path` (for every
    /// process that maps that file, now or later: uprobes belong to the file's inode).
    public func attachMark(index: Int, _ mark: MarkSpec, path: String) throws {
        let programs = skeleton.pointee.progs
        var cookie = UInt64(index) & UInt64(RT_MARK_INDEX_MASK)
        if let argument = mark.bytesArgument { cookie |= UInt64(argument) << UInt64(RT_MARK_BYTES_ARG_SHIFT) }
        var attached: [OpaquePointer] = []
        defer { markLinks += attached }
        func attach(_ make: () -> OpaquePointer?) throws {
            guard let link = make() else { throw KernelError(step: .attachMark(mark.name, path: path), errno: .current) }
            attached.append(link)
        }
        switch mark.target {
        case .function(_, let symbol):
            for returns in [false, true] {
                try symbol.withCString { name in
                    var options = bpf_uprobe_opts()
                    options.sz = MemoryLayout<bpf_uprobe_opts>.size
                    options.bpf_cookie = cookie
                    options.retprobe = returns
                    options.func_name = name
                    let program = returns ? programs.mark_function_return : programs.mark_function_entry
                    try attach { bpf_program__attach_uprobe_opts(program, -1, path, 0, &options) }
                }
            }
        case .usdt(_, let provider, let probe, let endProbe):
            let probes =
                endProbe.map { [(probe, programs.mark_probe_begin, cookie), ($0, programs.mark_probe_end, cookie)] }
                ?? [(probe, programs.mark_probe_begin, cookie | UInt64(RT_MARK_POINT))]
            for (name, program, cookie) in probes {
                var options = bpf_usdt_opts()
                options.sz = MemoryLayout<bpf_usdt_opts>.size
                options.usdt_cookie = cookie
                try attach { bpf_program__attach_usdt(program, -1, path, provider, name, &options) }
            }
        }
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

    /// Hands the waiting records to `handle`, in order, until none is left or the monotonic clock
    /// passes `deadline` (a reader faster than this process must not hold up the live view and
    /// the signals; what is left waits for the next call). Returns whether records were left.
    @discardableResult
    public func drain(until deadline: UInt64 = .max, _ handle: (KernelEvent) -> Void) throws -> Bool {
        try withoutActuallyEscaping(handle) { handle in
            sink.handle = handle
            sink.deadline = deadline
            defer { sink.handle = nil }
            let consumed = ring_buffer__consume(ringBuffer)
            if consumed == EventSink.outOfTime { return true }
            guard consumed >= 0 else { throw KernelError(step: .readRingBuffer, errno: Errno(negated: consumed)) }
            return false
        }
    }

    /// Sums the per-CPU counters.
    public func counters() throws -> KernelCounters {
        var zero: UInt32 = 0
        var perCPU = [rt_counters](repeating: rt_counters(), count: possibleCPUs)
        let result = perCPU.withUnsafeMutableBytes { values in
            bpf_map__lookup_elem(skeleton.pointee.maps.counters, &zero, 4, values.baseAddress, values.count, 0)
        }
        guard result == 0 else { throw KernelError(step: .readCounters, errno: Errno(negated: result)) }
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
        var result: [DeviceNumber: DeviceReadCounters] = [:]
        for (device, reads) in Self.entries(of: skeleton.pointee.maps.device_reads, empty: rt_device_reads()) {
            let byCause = withUnsafeBytes(of: reads.bytes_by_cause) { Array($0.bindMemory(to: UInt64.self)) }
            result[DeviceNumber(rawValue: device)] = DeviceReadCounters(
                readBytes: reads.read_bytes, readIOs: reads.read_ios,
                attributedBytes: byCause[Int(RT_BLOCK_ATTRIBUTED.rawValue)],
                filteredBytes: byCause[Int(RT_BLOCK_FILTERED.rawValue)],
                unattributedBytes: byCause[Int(RT_BLOCK_UNATTRIBUTED.rawValue)])
        }
        return result
    }

    /// Each process's reads of unselected files, as the kernel has counted them so far; and the
    /// processes found gone before their counts were read (their last), whose entries go.
    public func unselectedReads(isAlive: (Int32) -> Bool) -> (reads: [Int32: ProcessReadCounts], gone: [Int32]) {
        let map = skeleton.pointee.maps.unselected_reads
        var result: [Int32: ProcessReadCounts] = [:]
        var gone: [Int32] = []
        for (tgid, reads) in Self.entries(
            of: map, empty: rt_process_reads(),
            before: { tgid in
                if !isAlive(Int32(bitPattern: tgid)) { gone.append(Int32(bitPattern: tgid)) }
            })
        {
            result[Int32(bitPattern: tgid)] = ProcessReadCounts(
                readBytes: reads.read_bytes, readCalls: reads.read_calls, readErrors: reads.read_errors,
                cacheMissBytes: reads.cache_miss_bytes)
        }
        for pid in gone {
            var key = UInt32(bitPattern: pid)
            bpf_map__delete_elem(map, &key, 4, 0)
        }
        return (result, gone)
    }

    /// Every entry of a hash map keyed by a 32-bit number, read one key after the other; `before`
    /// sees each key before its value is read (an entry deleted meanwhile is left out).
    private static func entries<Value>(
        of map: OpaquePointer?, empty: Value, before: (UInt32) -> Void = { _ in }
    ) -> [(key: UInt32, value: Value)] {
        var result: [(key: UInt32, value: Value)] = []
        var key: UInt32 = 0
        var hasKey = false
        while true {
            var next: UInt32 = 0
            let step = hasKey ? bpf_map__get_next_key(map, &key, &next, 4) : bpf_map__get_next_key(map, nil, &next, 4)
            guard step == 0 else { break }
            before(next)
            var value = empty
            if bpf_map__lookup_elem(map, &next, 4, &value, MemoryLayout<Value>.size, 0) == 0 { result.append((next, value)) }
            key = next
            hasKey = true
        }
        return result
    }
}

/// Receives ring-buffer records inside ring_buffer__consume and hands them on decoded; the C
/// callback reaches it through an unretained pointer.
private final class EventSink {
    var handle: ((KernelEvent) -> Void)?
    /// Sees every record as the kernel wrote it, before decoding (`--record-stream`).
    var recordRaw: ((UnsafeRawBufferPointer) -> Void)?

    /// The drain's deadline on the monotonic clock, looked at every `clockStride` records.
    var deadline: UInt64 = .max
    private var sinceClock = 0
    private static let clockStride = 1024
    /// What the callback returns once the deadline has passed: no errno libbpf itself returns.
    static let outOfTime = -ECANCELED

    /// Hands one record on; false once the drain's time is up.
    func deliver(_ data: UnsafeRawPointer, _ size: Int) -> Bool {
        let record = UnsafeRawBufferPointer(start: data, count: size)
        recordRaw?(record)
        if let handle, let event = RecordDecoder.decode(record) { handle(event) }
        sinceClock += 1
        guard sinceClock >= Self.clockStride, deadline != .max else { return true }
        sinceClock = 0
        return Clock.monotonicNanoseconds() < deadline
    }
}
