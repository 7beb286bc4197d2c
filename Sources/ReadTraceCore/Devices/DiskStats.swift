public enum DiskStats {
    /// Reads /proc/diskstats now; an unreadable file gives an empty snapshot.
    public static func read(path: String = "/proc/diskstats") -> DiskStatsSnapshot {
        DiskStatsSnapshot(parsing: ProcFS.readText(path) ?? "", at: Clock.monotonicNanoseconds())
    }
}
