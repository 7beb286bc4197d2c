extension ReadStats {
    var spanNanoseconds: UInt64 {
        lastEndNanoseconds > firstStartNanoseconds && firstStartNanoseconds != .max ? lastEndNanoseconds - firstStartNanoseconds : 0
    }

    /// Bytes read and faulted in over the span, MiB/s; 0 without a span.
    var throughputMiBPerSecond: Double {
        guard spanNanoseconds > 0 else { return 0 }
        return DumpDocument.rounded(Double(bytes + mappedLoadBytes) / 1_048_576 / (Double(spanNanoseconds) / 1e9), decimals: 3)
    }

    /// `nanoseconds` as a share of the span, at most 1.
    func fractionOfSpan(_ nanoseconds: UInt64) -> Double {
        guard spanNanoseconds > 0 else { return 0 }
        return DumpDocument.rounded(min(1, Double(nanoseconds) / Double(spanNanoseconds)), decimals: 4)
    }
}

/// Reads of one file by one process.
public struct ReadStats: Sendable, Equatable {
    /// Calls that returned a byte count (end-of-file reads of 0 bytes included).
    public var calls: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Calls that failed; their latency and bytes are not counted.
    public var errors: UInt64 = 0
    /// Bytes the calls (and the readahead they triggered) had to bring into the page cache.
    public var cacheMissBytes: UInt64 = 0
    /// Bytes page faults on the mapped file brought into the page cache.
    public var mmapFaultBytes: UInt64 = 0
    /// Bytes of the file page faults mapped into the process's page tables, cached or not
    /// (whole pages, fault-around included); 0 where the kernel does not report them.
    public var mappedBytes: UInt64 = 0
    /// What the process loaded through a mapping: the pages it mapped, or, where those are
    /// not reported, the pages its faults brought in.
    public var mappedLoadBytes: UInt64 { max(mappedBytes, mmapFaultBytes) }
    /// Bytes the process's prefetch calls (readahead, fadvise, madvise, MAP_POPULATE) brought
    /// into the page cache for the file: not read, so neither in `bytes` nor in its load.
    public var prefetchBytes: UInt64 { block.value.prefetchBytes }
    /// Bytes block devices completed for the process's requests for this file, and how many requests.
    public var blockReadBytes: UInt64 { block.value.bytes }
    public var blockReadIOs: UInt64 { block.value.requests }
    /// Per request: creation to completion, and issue to completion.
    public var blockLatency: LatencyHistogram { block.value.latency }
    public var blockServiceLatency: LatencyHistogram { block.value.serviceLatency }
    public var blockTimeline: Timeline { block.value.timeline }
    /// Time inside calls that had to bring pages in from the device: waiting on it (kept with
    /// the block reads: most entries never wait on a device).
    public var deviceWaitNanoseconds: UInt64 { block.value.deviceWaitNanoseconds }
    /// Most files are read from the page cache: their entries never hold block figures.
    private var block = LazilyAllocated<BlockReads>()
    public var firstStartNanoseconds: UInt64 = .max
    public var lastEndNanoseconds: UInt64 = 0
    /// When the bytes read (and faulted in) first reached the loaded share of the file's size.
    public var loadedNanoseconds: UInt64?
    /// Latency of the calls that returned a byte count.
    public var latency = LatencyHistogram()
    public var timeline = Timeline()

    public init() {}
}

extension ReadStats {
    mutating func apply(_ read: ReadRecord, since runStart: UInt64, loadedBytes: UInt64?) {
        firstStartNanoseconds = min(firstStartNanoseconds, read.endNanoseconds &- (read.latencyNanoseconds ?? 0))
        lastEndNanoseconds = max(lastEndNanoseconds, read.endNanoseconds)
        cacheMissBytes += read.cacheMissBytes
        guard read.result >= 0 else {
            errors += 1
            return
        }
        calls += 1
        bytes += UInt64(read.result)
        if let callLatency = read.latencyNanoseconds {
            latency.record(callLatency)
            if read.cacheMissBytes > 0 { block.value.deviceWaitNanoseconds += callLatency }
        }
        timeline.add(UInt64(read.result), atNanosecondsSinceStart: read.endNanoseconds &- min(runStart, read.endNanoseconds))
        noteLoad(at: read.endNanoseconds, loadedBytes: loadedBytes)
    }

    mutating func apply(_ fill: FaultFillRecord, loadedBytes: UInt64?) {
        switch fill.cause {
        case .fault: mmapFaultBytes += fill.bytes
        case .read: cacheMissBytes += fill.bytes
        case .mapped: mappedBytes += fill.bytes
        case .prefetch: if fill.bytes > 0 { block.value.prefetchBytes += fill.bytes }
        }
        firstStartNanoseconds = min(firstStartNanoseconds, fill.endNanoseconds)
        lastEndNanoseconds = max(lastEndNanoseconds, fill.endNanoseconds)
        noteLoad(at: fill.endNanoseconds, loadedBytes: loadedBytes)
    }

    mutating func apply(_ record: BlockRecord, since runStart: UInt64) {
        block.value.bytes += record.bytes
        block.value.timeline.add(record.bytes, atNanosecondsSinceStart: record.endNanoseconds &- min(runStart, record.endNanoseconds))
        guard record.completesRequest else { return }
        block.value.requests += 1
        block.value.latency.record(record.queuedNanoseconds)
        if let service = record.serviceNanoseconds { block.value.serviceLatency.record(service) }
    }

    /// The load is done the first time the bytes read and faulted in reach `loadedBytes`.
    private mutating func noteLoad(at nanoseconds: UInt64, loadedBytes: UInt64?) {
        guard loadedNanoseconds == nil, let loadedBytes, bytes + mappedLoadBytes >= loadedBytes else { return }
        loadedNanoseconds = nanoseconds
    }
}
