/// The per-series counters the agent exposes, named as the exposition names them.
public enum MetricCounter: CaseIterable, Sendable {
    case readBytes, readCalls, readErrors, cacheMissBytes, mmapFaultBytes, mmapMappedBytes, blockReadBytes, fileLoads

    public var name: String {
        switch self {
        case .readBytes: "readtrace_read_bytes_total"
        case .readCalls: "readtrace_read_calls_total"
        case .readErrors: "readtrace_read_errors_total"
        case .cacheMissBytes: "readtrace_cache_miss_bytes_total"
        case .mmapFaultBytes: "readtrace_mmap_fault_bytes_total"
        case .mmapMappedBytes: "readtrace_mmap_mapped_bytes_total"
        case .blockReadBytes: "readtrace_block_read_bytes_total"
        case .fileLoads: "readtrace_file_loads_total"
        }
    }

    public var help: String {
        switch self {
        case .readBytes: "Bytes returned by read-family calls on files."
        case .readCalls: "Read-family calls that returned a byte count."
        case .readErrors: "Read-family calls that failed."
        case .cacheMissBytes: "Bytes reads had to bring into the page cache."
        case .mmapFaultBytes: "Bytes page faults on mapped files brought into the page cache."
        case .mmapMappedBytes: "Bytes of mapped files page faults mapped into the readers, cached or not: a warm mapped load's bytes."
        case .blockReadBytes: "Bytes block devices completed for the readers' requests."
        case .fileLoads: "Loads finished: a process read its share (--loaded-at) of a model-sized file."
        }
    }
}

/// The per-series histograms, in seconds.
public enum MetricHistogram: CaseIterable, Sendable {
    case readLatency, blockReadLatency, fileLoadDuration

    public var name: String {
        switch self {
        case .readLatency: "readtrace_read_latency_seconds"
        case .blockReadLatency: "readtrace_block_read_latency_seconds"
        case .fileLoadDuration: "readtrace_file_load_duration_seconds"
        }
    }

    public var help: String {
        switch self {
        case .readLatency: "Time inside read-family calls that returned a byte count."
        case .blockReadLatency: "Block read requests, from creation to completion."
        case .fileLoadDuration: "Finished loads, from the first read of the file to the read that completed it."
        }
    }

    /// Cached reads take microseconds, disk reads milliseconds, loads seconds to minutes.
    public var buckets: [Double] {
        switch self {
        case .readLatency: [1e-6, 4e-6, 16e-6, 64e-6, 256e-6, 0.001, 0.004, 0.016, 0.064, 0.25, 1]
        case .blockReadLatency: [100e-6, 250e-6, 500e-6, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]
        case .fileLoadDuration: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
        }
    }
}

/// Where `ReadMetrics` sends what changed: the Prometheus registry in the agent, a recorder in tests.
public protocol MetricSink: AnyObject {
    func add(_ amount: UInt64, to counter: MetricCounter, labels: MetricLabels)
    func observe(_ seconds: Double, in histogram: MetricHistogram, labels: MetricLabels)
    func setLoadsInProgress(_ count: Int, labels: MetricLabels)
    /// The series is gone: every metric with these labels.
    func remove(_ labels: MetricLabels)
}
