import ReadTraceKernel
import ReadTraceCore
import Glibc
public func smoke() throws {
    var c = KernelConfiguration()
    c.comms = ["cat"]; if getenv("TP") != nil { c.hook = .tracepoint }
    c.verbose = CommandLine.arguments.count > 1
    var a = timespec(); clock_gettime(CLOCK_MONOTONIC, &a)
    let tracer = try KernelTracer(configuration: c)
    print("hook", tracer.hook, tracer.hookExplanation, { var b = timespec(); clock_gettime(CLOCK_MONOTONIC, &b); return Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) / 1e9 }())
    for _ in 0..<1 {
        usleep(getenv("HOLD") != nil ? 4_000_000 : 100_000)
        try tracer.drain { e in print(e) }
    }
    print(try tracer.counters())
}
