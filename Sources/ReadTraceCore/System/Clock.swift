import Glibc

public enum Clock {
    /// CLOCK_MONOTONIC, the clock bpf_ktime_get_ns reads.
    public static func monotonicNanoseconds() -> UInt64 { read(CLOCK_MONOTONIC) }

    public static func unixSeconds() -> Double { Double(read(CLOCK_REALTIME)) / 1e9 }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var now = timespec()
        clock_gettime(clock, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
