/// What a run cannot report, or what it costs beyond readtrace, given the hook and the kernel.
public enum TraceLimitation: Equatable, Sendable {
    /// No hook sees faults on mapped files (FaultHook): they bring pages in unseen.
    case mappedFaultsNotCounted
    /// Faults are seen, but not the pages they map: a mapped load of cached pages is not seen.
    case mappedBytesNotCounted
    /// No io_uring tracepoints with the request: io_uring reads pass no hook.
    case ioUringReadsNotCounted
    /// No fuse_request_end tracepoint: a FUSE daemon's reads are traced only if the filters select it.
    case fuseDaemonsNotFollowed
    /// The light hook: buffered reads in whole pages, untimed (HookKind.accuracy).
    case lightHookAccuracy
    /// Chosen automatically, syscall tracepoints slow every process on the node; `lightHookAvailable`
    /// when this kernel offers the light hook instead.
    case syscallTracepointsSlowEveryProcess(lightHookAvailable: Bool)
}
