/// A file written once tracing ends, from the run's dump. Each output is one type conforming to
/// this and one option line in the command's output options; the session writes every requested
/// output on its own, so one that fails does not keep the others from being written.
public protocol RunOutput: Sendable {
    /// Where the file goes.
    var path: String { get }
    /// Hands the file's bytes to `emit`, in pieces.
    func write(_ dump: DumpSource, to emit: ([UInt8]) throws -> Void) throws
}
