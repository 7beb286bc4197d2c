import ReadTraceCore
import ReadTraceKernel

/// The user-facing words for what the kernel boundary reports as values: failed steps,
/// refused hooks, limitations, missing features and capabilities.
enum KernelWording {
    static func sentence(for error: KernelError) -> String {
        var text = "\(step(error.step)): \(error.errno)"
        if let hint = hint(for: error) { text += hint }
        return text
    }

    /// Why a hook was not used, as the start line lists it, e.g. "kprobe was skipped: this kernel has no kprobes".
    static func sentence(for refusal: HookRefusal) -> String {
        switch refusal {
        case .unsupported(let hook, let feature): "\(hook.rawValue) was skipped: this kernel has no \(noun(for: feature))"
        case .failed(let hook, let error): "\(hook.rawValue) was refused: \(sentence(for: error))"
        }
    }

    /// A hook the user asked for by name that this kernel cannot give.
    static func unavailable(_ refusal: HookRefusal) -> String {
        switch refusal {
        case .unsupported(let hook, let feature):
            "--hook \(hook.rawValue): this kernel has no \(noun(for: feature))"
                + (feature.alsoNeeds == nil ? "; it came in \(feature.introducedIn)" : "")
        case .failed(_, let error): sentence(for: error)
        }
    }

    static func sentence(for limitation: TraceLimitation) -> String {
        switch limitation {
        case .mappedFaultsNotCounted:
            "page faults on mapped files are not counted: this kernel has no mm_filemap_fault tracepoint "
                + "(\(KernelFeature.filemapFault.introducedIn)+), no fentry or kprobes on filemap_fault, "
                + "and no page-fault tracepoint with bpf_find_vma (\(KernelFeature.findVMA.introducedIn)+)"
        case .mappedBytesNotCounted:
            "pages mapped from files are not counted (mapped_bytes), only those page faults bring into the page cache: "
                + "a mapped load of cached pages is not seen; that needs the mm_filemap_map_pages and exact rss_stat "
                + "tracepoints (\(KernelFeature.filemapMapPages.introducedIn)+)"
        case .ioUringReadsNotCounted:
            "io_uring reads are not counted: this kernel has no io_uring_submit_req tracepoint "
                + "(\(KernelFeature.ioUringSubmitReq.introducedIn)+), nor io_uring_submit_sqe with the request "
                + "(\(KernelFeature.ioUringSubmitSqe.introducedIn)+), or no io_uring"
        case .fuseDaemonsNotFollowed:
            "FUSE daemons' own reads are traced only when the filters select them: this kernel has no fuse_request_end "
                + "tracepoint (\(KernelFeature.fuseRequestEnd.introducedIn)+, with FUSE built in)"
        case .lightHookAccuracy:
            "light hook: \(HookKind.light.accuracy)"
        case .syscallTracepointsSlowEveryProcess(let lightHookAvailable):
            "syscall tracepoints send every syscall of every process on this node through the kernel's slow path "
                + "(small cached reads run about 1.5x slower with even an empty program attached)"
                + (lightHookAvailable ? "; --hook light avoids them, at page granularity and without per-call latency" : "")
        }
    }

    /// The kernel's features, less those the hidden test variable disables.
    static func probeFeatures() throws -> KernelFeatures {
        do {
            return KernelFeatures.probe(disabling: try KernelFeatures.disabledByEnvironment())
        } catch {
            throw ReadTraceError("\(KernelFeatures.disablingVariable): \(error.name) is not a feature (readtrace features lists them)")
        }
    }

    /// A required feature this kernel lacks.
    static func missingRequirement(_ feature: KernelFeature) -> String {
        feature == .btf
            ? "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): readtrace needs a kernel built with CONFIG_DEBUG_INFO_BTF=y"
            : "this kernel has no \(noun(for: feature)) (Linux \(feature.introducedIn)+), which every hook needs"
    }

    /// Names the missing capabilities and what each is for, e.g. "CAP_DAC_READ_SEARCH is missing: …".
    static func missing(_ capabilities: [Capability]) -> String {
        "\(missingClause(capabilities)): " + capabilities.map(purpose).joined(separator: "; ")
            + "; run readtrace with sudo, or with \(listed(Capability.required))"
    }

    private static func missingClause(_ capabilities: [Capability]) -> String {
        "\(listed(capabilities)) \(capabilities.count == 1 ? "is" : "are") missing"
    }

    private static func listed(_ capabilities: [Capability]) -> String {
        let names = capabilities.map(\.name)
        return names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
    }

    /// Why CAP_PERFMON was not enough: a distribution kernel's stricter perf_event_paranoid.
    static func perfEventRestriction(paranoid: Int) -> String {
        "kernel.perf_event_paranoid is \(paranoid), and above 2 kernels such as Debian's and Ubuntu's let only CAP_SYS_ADMIN "
            + "open the perf events kprobes and tracepoints attach through; add CAP_SYS_ADMIN or set it to 2"
    }

    static func purpose(of capability: Capability) -> String {
        switch capability {
        case .bpf: "CAP_BPF loads the BPF programs and creates their maps"
        case .sysAdmin: "CAP_SYS_ADMIN grants what CAP_BPF and CAP_PERFMON do, and more"
        case .perfmon: "CAP_PERFMON lets tracing programs read kernel memory and attach to tracepoints"
        case .dacReadSearch, .dacOverride:
            "CAP_DAC_READ_SEARCH finds tracepoints in tracefs (/sys/kernel/tracing), which only root may search"
        }
    }

    /// What a feature is, as in "this kernel has no …".
    static func noun(for feature: KernelFeature) -> String {
        switch feature {
        case .btf: "BTF (/sys/kernel/btf/vmlinux)"
        case .ringBuffer: "BPF ring buffers"
        case .taskStorage: "BPF task-local storage"
        case .taskBTF: "bpf_get_current_task_btf"
        case .bpfLoop: "bpf_loop"
        case .findVMA: "bpf_find_vma"
        case .fentry: "fentry programs (BPF trampolines)"
        case .kprobes: "kprobes (CONFIG_KPROBES)"
        case .uprobes: "uprobes with attach cookies (CONFIG_UPROBES, 5.15+)"
        case .blockIOStart: "block/block_io_start tracepoint"
        case .filemapFault: "filemap/mm_filemap_fault tracepoint"
        case .filemapGetPages: "filemap/mm_filemap_get_pages tracepoint"
        case .filemapMapPages: "filemap/mm_filemap_map_pages tracepoint"
        case .exactRSSStat: "kmem/rss_stat tracepoint with exact per-CPU counters"
        case .pageFaultUser: "exceptions/page_fault_user tracepoint"
        case .ioUringSubmitReq: "io_uring/io_uring_submit_req tracepoint"
        case .ioUringSubmitSqe: "io_uring/io_uring_submit_sqe tracepoint with the request"
        case .fuseRequestEnd: "fuse/fuse_request_end tracepoint"
        }
    }

    private static func step(_ step: KernelError.Step) -> String {
        switch step {
        case .countCPUs: "count possible CPUs"
        case .openObject: "open BPF object"
        case .sizeRingBuffer: "size ring buffer"
        case .load(let hook): "load \(hook.rawValue) programs"
        case .tracePID(let pid): "trace pid \(pid)"
        case .traceCgroup(let id): "trace cgroup \(id)"
        case .attach(let hook): "attach \(hook.rawValue) programs"
        case .attachMark(let name, let path): "attach --mark \(TerminalText.escaped(name)) to \(TerminalText.escaped(path))"
        case .createRingBufferReader: "create ring buffer reader"
        case .readRingBuffer: "read ring buffer"
        case .readCounters: "read counters"
        }
    }

    /// Names the missing capability when the kernel said no for want of one.
    private static func hint(for error: KernelError) -> String? {
        switch (error.step, error.errno) {
        case (.load, .notPermitted), (.load, .permissionDenied), (.attach, .notPermitted), (.attach, .permissionDenied):
            let missing = Capability.missingNow()
            if !missing.isEmpty { return ": \(missingClause(missing)) (\(missing.map(purpose).joined(separator: "; ")))" }
            guard case .attach = error.step, let paranoid = Capability.perfEventParanoid(), paranoid > 2,
                !Capability.missingNow([.sysAdmin]).isEmpty
            else { return nil }
            return ": \(missingClause([.sysAdmin])) (\(perfEventRestriction(paranoid: paranoid)))"
        case (.attach, .noEntry):
            return " (is tracefs mounted at /sys/kernel/tracing?)"
        default:
            return nil
        }
    }
}

extension KernelWording {
    /// A failure of the kernel side, whatever its type, in one line.
    static func line(for error: any Error) -> String {
        switch error {
        case let error as KernelError: sentence(for: error)
        case let refusal as HookRefusal: unavailable(refusal)
        case let error as ReadTraceError: error.lines.joined(separator: "; ")
        default: "\(error)"
        }
    }
}
