import Glibc

enum TraceFS {
    /// Tracepoints (the syscall ones, and the page-cache one every hook uses) are found through
    /// tracefs; mount it where it is expected if nobody has.
    static func mountIfMissing() {
        guard access("/sys/kernel/tracing/events", F_OK) != 0, access("/sys/kernel/debug/tracing/events", F_OK) != 0 else { return }
        _ = mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nil)
    }
}
