import ReadTraceCore

/// A failed step of loading or running the BPF programs, with the kernel's errno. The
/// command words it for the user.
public struct KernelError: Error, Equatable, Sendable {
    /// The tracer's lifecycle, step by step.
    public enum Step: Equatable, Sendable {
        case countCPUs
        case openObject
        case sizeRingBuffer
        case load(HookKind)
        case tracePID(Int32)
        case traceCgroup(UInt64)
        case attach(HookKind)
        /// Attaching a `--mark`'s probes (by its name) to a file.
        case attachMark(String, path: String)
        case createRingBufferReader
        case readRingBuffer
        case readCounters
    }

    public var step: Step
    public var errno: Errno

    public init(step: Step, errno: Errno) {
        self.step = step
        self.errno = errno
    }
}
