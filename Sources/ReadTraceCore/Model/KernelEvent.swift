/// Everything the kernel side sends.
public enum KernelEvent: Sendable {
    case read(ReadRecord)
    case file(FileRecord)
    case process(ProcessRecord)
    case block(BlockRecord)
    case faultFill(FaultFillRecord)
    case cgroup(CgroupRecord)
    case fuseDaemon(FuseDaemonRecord)
}
