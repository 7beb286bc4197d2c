/// Kernel-side counters summed over CPUs.
public struct KernelCounters: Sendable, Equatable {
    public var eventsEmitted: UInt64
    /// Ring-buffer reservations that failed: records the kernel could not send.
    public var eventsLost: UInt64
    /// Times the kernel skipped one of readtrace's programs because it was already running on
    /// that CPU (an interrupt's block completion arriving while it ran): events never seen.
    public var skippedProgramRuns: UInt64

    public init(eventsEmitted: UInt64 = 0, eventsLost: UInt64 = 0, skippedProgramRuns: UInt64 = 0) {
        self.eventsEmitted = eventsEmitted
        self.eventsLost = eventsLost
        self.skippedProgramRuns = skippedProgramRuns
    }
}
