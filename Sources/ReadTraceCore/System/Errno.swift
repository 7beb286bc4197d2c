import Glibc

/// An errno value from the kernel, the C library or libbpf, compared by value rather than by
/// its message; the one place that words it.
public struct Errno: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// From a libbpf return value, which carries the errno negated.
    public init(negated result: Int32) { rawValue = -result }

    /// The calling thread's errno now.
    public static var current: Errno { Errno(rawValue: errno) }

    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let notPermitted = Errno(rawValue: EPERM)
    public static let noEntry = Errno(rawValue: ENOENT)

    /// The C library's message, e.g. "Permission denied".
    public var description: String { String(cString: strerror(rawValue)) }
}
