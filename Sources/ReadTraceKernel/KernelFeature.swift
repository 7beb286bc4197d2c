/// A kernel feature readtrace needs or adapts to, named as cilium/ebpf names its feature
/// tests: after what the kernel added, with the release that added it.
public enum KernelFeature: String, CaseIterable, Sendable {
    /// Kernel BTF at /sys/kernel/btf/vmlinux: CO-RE relocations and tp_btf programs.
    case btf
    /// BPF ring buffers: the record stream to user space.
    case ringBuffer
    /// Task-local storage: a thread's read in flight.
    case taskStorage
    /// bpf_get_current_task_btf: the filter reads the process name straight from the task.
    case taskBTF
    /// bpf_loop: the path walk, verified once however deep the path (else a bounded loop).
    case bpfLoop
    /// bpf_find_vma: the file behind a faulting address, for the page-fault tracepoint.
    case findVMA
    /// fentry/fexit through BPF trampolines: the fastest read hook.
    case fentry
    /// kprobes: the kprobe read hook.
    case kprobes
    /// The block_io_start tracepoint: every request as it is created.
    case blockIOStart
    /// The mm_filemap_fault tracepoint: page faults on mapped files.
    case filemapFault
    /// The mm_filemap_map_pages tracepoint: the file of the pages fault-around maps.
    case filemapMapPages
    /// The rss_stat tracepoint reporting a process's page counters exactly on every change
    /// (per-CPU counters): with the filemap tracepoints, the bytes a process maps.
    case exactRSSStat
    /// The x86 exceptions:page_fault_user tracepoint: every user page fault as it starts.
    case pageFaultUser
    /// The mm_filemap_get_pages tracepoint: the light hook.
    case filemapGetPages
    /// The io_uring_submit_req tracepoint (with io_uring_complete): io_uring reads.
    case ioUringSubmitReq
    /// io_uring_submit_sqe, its name before 6.3, with the request in its record and in
    /// io_uring_complete's (5.18): io_uring reads on the kernels in between.
    case ioUringSubmitSqe
    /// The fuse_request_end tracepoint, in the daemon's context: which process serves a FUSE
    /// filesystem, so its reads of the files behind it are traced with the reads it serves.
    case fuseRequestEnd
    /// uprobes with BPF attach cookies (5.15): `--mark`'s function entries, returns and USDT probes.
    case uprobes

    /// The release that introduced it.
    public var introducedIn: KernelVersion {
        switch self {
        case .btf: KernelVersion(5, 4)
        case .ringBuffer: KernelVersion(5, 8)
        case .taskStorage, .taskBTF: KernelVersion(5, 11)
        case .bpfLoop, .findVMA: KernelVersion(5, 17)
        case .fentry: KernelVersion(5, 5)
        case .kprobes: KernelVersion(2, 6)
        case .blockIOStart: KernelVersion(6, 5)
        case .filemapFault, .filemapGetPages, .filemapMapPages: KernelVersion(6, 10)
        case .exactRSSStat: KernelVersion(6, 2)
        case .pageFaultUser: KernelVersion(3, 13)
        case .ioUringSubmitReq: KernelVersion(6, 3)
        case .ioUringSubmitSqe: KernelVersion(5, 18)
        case .fuseRequestEnd: KernelVersion(6, 15)
        case .uprobes: KernelVersion(5, 15)
        }
    }

    /// What else it depends on where a new enough kernel can still lack it; nil when the
    /// release alone decides (given BTF).
    public var alsoNeeds: String? {
        switch self {
        case .btf: "CONFIG_DEBUG_INFO_BTF"
        case .kprobes: "CONFIG_KPROBES"
        case .fentry: "BPF trampolines, which the kernel or a security module may refuse"
        case .ioUringSubmitReq: "CONFIG_IO_URING"
        case .pageFaultUser: "x86"
        case .uprobes: "CONFIG_UPROBES"
        case .ioUringSubmitSqe: "CONFIG_IO_URING, and a kernel before 6.3 (then renamed io_uring_submit_req)"
        case .fuseRequestEnd: "FUSE built into the kernel (a module's tracepoints are not in the kernel's BTF)"
        default: nil
        }
    }

    /// Whether every hook needs it: readtrace does not start without it.
    public var isRequired: Bool {
        switch self {
        case .btf, .ringBuffer, .taskStorage, .taskBTF: true
        case .bpfLoop, .findVMA, .fentry, .kprobes, .blockIOStart, .filemapFault, .filemapMapPages, .exactRSSStat, .pageFaultUser,
            .filemapGetPages, .ioUringSubmitReq, .ioUringSubmitSqe, .fuseRequestEnd, .uprobes:
            false
        }
    }
}
