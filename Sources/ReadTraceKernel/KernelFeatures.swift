import CBPF
import Glibc

/// What the running kernel has, probed in one place for the tracer, the command and (through
/// `readtrace features`) the tests and scripts. Everything but fentry is looked up in the
/// kernel's BTF, which anyone may read, so a process with fewer privileges believes the same.
public struct KernelFeatures: Sendable {
    /// uname's release, e.g. "6.18.44".
    public let release: String
    private let support: [KernelFeature: FeatureSupport]

    public init(release: String, support: [KernelFeature: FeatureSupport]) {
        self.release = release
        self.support = support
    }

    public subscript(feature: KernelFeature) -> FeatureSupport { support[feature] ?? .undetermined }

    public func has(_ feature: KernelFeature) -> Bool { self[feature] == .supported }

    /// Required features this kernel lacks, or that could not be probed.
    public var missingRequirements: [KernelFeature] {
        KernelFeature.allCases.filter { $0.isRequired && !has($0) }
    }

    /// Features this kernel is new enough for by its release, and for which the release alone
    /// decides, that it is reported not to have: a probe that went wrong, or a patched kernel.
    public var missingThoughNewEnough: [KernelFeature] {
        guard let version = KernelVersion(release: release) else { return [] }
        return KernelFeature.allCases.filter { $0.alsoNeeds == nil && version >= $0.introducedIn && !has($0) }
    }

    /// The environment variable that makes features the kernel has count as missing, so that
    /// each fallback can be tested on a kernel new enough not to need it: feature names
    /// (`readtrace features` spells them), comma-separated. Hidden: for tests.
    public static let disablingVariable = "READTRACE_DISABLE_FEATURES"

    /// The features `disablingVariable` names; throws on a name that is not a feature.
    public static func disabledByEnvironment() throws(UnknownFeature) -> Set<KernelFeature> {
        guard let value = getenv(disablingVariable).map({ String(cString: $0) }), !value.isEmpty else { return [] }
        var disabled: Set<KernelFeature> = []
        for name in value.split(separator: ",") {
            guard let feature = KernelFeature(rawValue: String(name)) else { throw UnknownFeature(name: String(name)) }
            disabled.insert(feature)
        }
        return disabled
    }

    /// A name in `disablingVariable` that is no feature.
    public struct UnknownFeature: Error, Sendable {
        public let name: String
    }

    /// Probes the running kernel; `disabled` count as missing whatever the kernel has.
    public static func probe(disabling disabled: Set<KernelFeature> = []) -> KernelFeatures {
        let probed = probeKernel()
        var support: [KernelFeature: FeatureSupport] = [:]
        for feature in KernelFeature.allCases { support[feature] = disabled.contains(feature) ? .unsupported : probed[feature] }
        return KernelFeatures(release: probed.release, support: support)
    }

    private static func probeKernel() -> KernelFeatures {
        var support: [KernelFeature: FeatureSupport] = [:]
        guard let btf = btf__load_vmlinux_btf() else {
            for feature in KernelFeature.allCases { support[feature] = .undetermined }
            support[.btf] = .unsupported
            return KernelFeatures(release: KernelVersion.runningRelease(), support: support)
        }
        defer { btf__free(btf) }
        func known(_ found: Bool) -> FeatureSupport { found ? .supported : .unsupported }
        func enumHas(_ enumName: String, _ value: String) -> FeatureSupport { known(CBPF_btf_has_enum_value(btf, enumName, value)) }
        // tp_btf programs attach to a tracepoint through its btf_trace_<name> typedef.
        func tracepoint(_ name: String) -> FeatureSupport {
            known(CBPF_btf_find_typedef(btf, "btf_trace_" + name) > 0)
        }
        for feature in KernelFeature.allCases {
            support[feature] =
                switch feature {
                case .btf: .supported
                case .ringBuffer: enumHas("bpf_map_type", "BPF_MAP_TYPE_RINGBUF")
                case .taskStorage: enumHas("bpf_map_type", "BPF_MAP_TYPE_TASK_STORAGE")
                case .taskBTF: enumHas("bpf_func_id", "BPF_FUNC_get_current_task_btf")
                case .bpfLoop: enumHas("bpf_func_id", "BPF_FUNC_loop")
                case .findVMA: enumHas("bpf_func_id", "BPF_FUNC_find_vma")
                // Without CONFIG_KPROBES the kernel has no register_kprobe.
                case .kprobes: known(CBPF_btf_find_function(btf, "register_kprobe") > 0)
                case .blockIOStart: tracepoint("block_io_start")
                case .filemapFault: tracepoint("mm_filemap_fault")
                case .filemapMapPages: tracepoint("mm_filemap_map_pages")
                case .pageFaultUser: tracepoint("page_fault_user")
                // 6.2 made the counters per CPU, and rss_stat report their sum on every change;
                // before, a thread's changes reached the counter (and the tracepoint) in batches.
                case .exactRSSStat:
                    tracepoint("rss_stat") == .supported && !CBPF_btf_has_struct(btf, "mm_rss_stat") ? .supported : .unsupported
                case .filemapGetPages: tracepoint("mm_filemap_get_pages")
                case .ioUringSubmitReq: tracepoint("io_uring_submit_req")
                case .fuseRequestEnd: tracepoint("fuse_request_end")
                // Before 5.18 the records had no request (the BPF program's fields would not relocate).
                case .ioUringSubmitSqe:
                    KernelVersion(release: KernelVersion.runningRelease()).map { $0 >= feature.introducedIn } == true
                        ? tracepoint("io_uring_submit_sqe") : .unsupported
                case .fentry: probeFentry(btf)
                // Without CONFIG_UPROBES the kernel has no uprobe_register; cookies came in 5.15.
                case .uprobes:
                    CBPF_btf_find_function(btf, "uprobe_register") > 0
                        ? enumHas("bpf_func_id", "BPF_FUNC_get_attach_cookie") : .unsupported
                }
        }
        return KernelFeatures(release: KernelVersion.runningRelease(), support: support)
    }

    /// Whether an fentry program on vfs_read loads and attaches: BTF cannot tell whether the
    /// kernel allows trampolines, so this one takes a real load, and the privileges for it.
    private static func probeFentry(_ btf: OpaquePointer) -> FeatureSupport {
        let function = CBPF_btf_find_function(btf, "vfs_read")
        guard function > 0 else { return .unsupported }
        guard Capability.missingNow([.bpf, .perfmon]).isEmpty else { return .undetermined }
        return CBPF_probe_fentry(UInt32(function)) == 0 ? .supported : .unsupported
    }
}
