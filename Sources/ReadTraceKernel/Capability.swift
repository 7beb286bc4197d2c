import CBPF
import ReadTraceCore

/// A capability loading and attaching readtrace's programs takes (numbers from linux/capability.h).
public enum Capability: Int, CaseIterable, Sendable {
    case dacOverride = 1
    case dacReadSearch = 2
    case sysAdmin = 21
    case perfmon = 38
    case bpf = 39

    /// What every hook needs, the same for all of them: CAP_BPF to create maps and load
    /// programs; CAP_PERFMON for tracing programs, their reads of kernel memory and the perf
    /// events kprobes and tracepoints attach through; CAP_DAC_READ_SEARCH because every hook
    /// attaches the page-cache tracepoint (and the tracepoint hook the syscall ones), whose ids
    /// libbpf reads in tracefs, a directory only root may search.
    public static let required: [Capability] = [.bpf, .perfmon, .dacReadSearch]

    /// The broader capability that grants this one too, for what readtrace does with it.
    var broader: Capability? {
        switch self {
        case .bpf, .perfmon: .sysAdmin
        case .dacReadSearch: .dacOverride
        case .dacOverride, .sysAdmin: nil
        }
    }

    /// The kernel's name, e.g. CAP_DAC_READ_SEARCH.
    public var name: String {
        switch self {
        case .dacOverride: "CAP_DAC_OVERRIDE"
        case .dacReadSearch: "CAP_DAC_READ_SEARCH"
        case .sysAdmin: "CAP_SYS_ADMIN"
        case .perfmon: "CAP_PERFMON"
        case .bpf: "CAP_BPF"
        }
    }

    /// Those of `capabilities` that `effective` grants neither directly nor through a broader one.
    public static func missing(_ capabilities: [Capability] = required, effective: (Capability) -> Bool) -> [Capability] {
        capabilities.filter { !effective($0) && !($0.broader.map(effective) ?? false) }
    }

    /// Raises every permitted capability into the effective set: what a binary with file
    /// capabilities set as permitted only (as the container image has them) must do itself.
    /// Failing changes nothing; the check that follows names what is missing.
    public static func raisePermitted() {
        _ = CBPF_raise_permitted_capabilities()
    }

    /// Those of `capabilities` this process lacks now.
    public static func missingNow(_ capabilities: [Capability] = required) -> [Capability] {
        missing(capabilities) { ProcFS.hasEffectiveCapability($0.rawValue) }
    }

    /// kernel.perf_event_paranoid. Upstream treats values above 2 as 2; Debian's and Ubuntu's
    /// kernels (3 by default) then let only CAP_SYS_ADMIN open perf events, which kprobes and
    /// tracepoints attach through, whatever CAP_PERFMON allows.
    public static func perfEventParanoid() -> Int? {
        ProcFS.readText("/proc/sys/kernel/perf_event_paranoid").flatMap { Int($0.filter { !$0.isWhitespace }) }
    }
}
