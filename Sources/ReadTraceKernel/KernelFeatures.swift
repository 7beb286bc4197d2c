import CBPF

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

    /// The same kernel as if it lacked `features`: the seam through which tests (and
    /// `--assume-missing`) check the fallbacks and refusals of features this kernel has.
    public func without(_ features: some Sequence<KernelFeature>) -> KernelFeatures {
        var support = support
        for feature in features { support[feature] = .unsupported }
        return KernelFeatures(release: release, support: support)
    }

    /// Probes the running kernel.
    public static func probe() -> KernelFeatures {
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
                // Without CONFIG_KPROBES the kernel has no register_kprobe.
                case .kprobes: known(CBPF_btf_find_function(btf, "register_kprobe") > 0)
                case .blockIOStart: tracepoint("block_io_start")
                case .filemapFault: tracepoint("mm_filemap_fault")
                case .filemapGetPages: tracepoint("mm_filemap_get_pages")
                case .ioUringSubmitReq: tracepoint("io_uring_submit_req")
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
