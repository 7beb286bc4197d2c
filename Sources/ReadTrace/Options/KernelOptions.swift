import ArgumentParser
import ReadTraceCore
import ReadTraceKernel

/// How the kernel side runs: the hooks and the ring buffer.
struct KernelOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Kernel hooks: fentry (fastest) or kprobe on the VFS read functions, tracepoint (syscall tracepoints), "
                + "or auto (the fastest of those that loads, and why). light (6.10+) uses the page cache's tracepoint "
                + "instead of any syscall tracepoint, whose cost every process on the node pays: buffered reads in whole "
                + "pages, no per-call latency, direct IO not seen.",
            valueName: "auto|fentry|kprobe|tracepoint|light"))
    var hook = TraceOptions().hook

    @Option(
        name: .customLong("buffer-size"), parsing: .unconditional,
        help: ArgumentHelp(
            "Size of the kernel's ring buffer: a power of two from 4K to 1G. (default: \(TraceOptions().bufferSize))",
            discussion: "Records that find it full are counted as lost and reported.", valueName: "size"), transform: ByteCount.argument)
    var bufferSize = TraceOptions().bufferSize

    @Flag(help: "Show libbpf's log (load and attach details).")
    var verbose = false

    @Flag(
        name: .customLong("empty-read-hooks"),
        help: ArgumentHelp(
            "For benchmarks: attach the read hooks with programs that return at once, to measure what attaching alone costs.",
            visibility: .hidden))
    var emptyReadHooks = false

    @Option(
        name: .customLong("record-stream"), parsing: .unconditional,
        help: ArgumentHelp(
            "For tests and bug reports: write every ring-buffer record as the kernel sent it to this file.",
            visibility: .hidden))
    var recordStream: String?

    mutating func validate() throws {
        if recordStream?.isEmpty == true { throw ValidationError("--record-stream needs a file path, got ''") }
        let size = bufferSize.bytes
        if size < 4096 || size > 1 << 30 || size & (size - 1) != 0 {
            throw ValidationError("--buffer-size must be a power of two from 4K to 1G, got \(bufferSize)")
        }
    }

    func apply(to options: inout TraceOptions) {
        options.hook = hook
        options.bufferSize = bufferSize
        options.verbose = verbose
        options.emptyReadHooks = emptyReadHooks
        options.recordStreamPath = recordStream
    }
}
