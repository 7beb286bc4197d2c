import Glibc

/// A failed step of loading or running the BPF programs, with the kernel's errno.
public struct KernelError: Error, CustomStringConvertible, Sendable {
    public var step: String
    public var errno: Int32
    public var hint: String?

    public init(step: String, errno: Int32, hint: String? = nil) {
        self.step = step
        self.errno = errno
        self.hint = hint
    }

    public var description: String {
        var text = "\(step): \(String(cString: strerror(errno)))"
        if let hint { text += " (\(hint))" }
        return text
    }
}
