/// Everything the kernel side sends.
public enum KernelEvent: Sendable {
    case read(ReadRecord)
    case file(FileRecord)
    case process(ProcessRecord)
    case block(BlockRecord)
    case faultFill(FaultFillRecord)
    case cgroup(CgroupRecord)
    case fuseDaemon(FuseDaemonRecord)
    /// A call of a marked function, or a hit of a marked probe point.
    case mark(MarkRecord)
    /// A traced process exec'd while a marker's library was not found yet.
    case exec(pid: Int32)
}
