/// A table column: a title and how to render a row's cell. FILE is always last and flexible.
struct Column: Sendable {
    var title: String
    var width: Int
    var cell: @Sendable (ReadRow) -> String

    static let pid = Column(title: "PID", width: 7) { "\($0.key.pid)" }
    static let comm = Column(title: "COMM", width: 15) { $0.comm }
    static let group = Column(title: "GROUP", width: 22) { $0.group }
    /// The columns naming who read: the process, or its group.
    static func readers(_ grouping: GroupBy) -> [Column] { grouping == .process ? [.pid, .comm] : [.group] }
    static let reads = Column(title: "READS", width: 6) { $0.active ? TextFormat.count(Double($0.calls)) : "-" }
    static let errors = Column(title: "ERRS", width: 5) { TextFormat.count(Double($0.errors)) }
    static let bytes = Column(title: "BYTES", width: 6) { $0.active ? TextFormat.bytes($0.bytes) : "-" }
    static let rate = Column(title: "MB/s", width: 8) {
        $0.active ? TextFormat.megabytesPerSecond(bytes: $0.bytes, seconds: $0.seconds) : "-"
    }
    static let total = Column(title: "TOTAL", width: 6) { TextFormat.bytes($0.totalBytes) }
    /// Bytes that had to come from the device: added to the page cache by these reads.
    static let cacheMiss = Column(title: "MISS", width: 6) { $0.active ? TextFormat.bytes($0.cacheMissBytes) : "-" }

    /// Bytes block devices read for the process and file.
    static let disk = Column(title: "DISK", width: 6) { $0.active ? TextFormat.bytes($0.blockBytes) : "-" }

    static func latency(_ title: String, _ fraction: Double) -> Column {
        Column(title: title, width: 7) { $0.latency.count > 0 ? TextFormat.duration(nanoseconds: $0.latency.percentile(fraction)) : "-" }
    }

    /// A percentile of the block requests' latency (created to completed): the time spent waiting on the device.
    static func diskLatency(_ title: String, _ fraction: Double) -> Column {
        Column(title: title, width: 7) {
            $0.blockLatency.count > 0 ? TextFormat.duration(nanoseconds: $0.blockLatency.percentile(fraction)) : "-"
        }
    }

    static let maximum = Column(title: "MAX", width: 7) {
        $0.latency.count > 0 ? TextFormat.duration(nanoseconds: $0.latency.maxNanoseconds) : "-"
    }
}
