import ReadTraceCore
import ReadTraceKernel

/// Follows what the kernel counts of reads of unselected files, per process, and hands
/// `ReadMetrics` what each process added since the previous look.
struct UnselectedReads {
    private var last: [Int32: ProcessReadCounts] = [:]

    mutating func fold(_ tracer: KernelTracer, into metrics: inout ReadMetrics, sink: some MetricSink) {
        let (reads, gone) = tracer.unselectedReads(isAlive: ProcFS.processExists)
        for (pid, counts) in reads {
            metrics.recordUnselected(pid: pid, counts.since(last[pid] ?? ProcessReadCounts()), into: sink)
        }
        last = reads
        for pid in gone { last[pid] = nil }
    }
}
