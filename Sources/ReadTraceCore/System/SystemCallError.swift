import Glibc

/// An errno, shown the way the C library words it.
public struct SystemCallError: Error, CustomStringConvertible, Sendable, Equatable {
    public var errno: Int32

    public init(errno: Int32) { self.errno = errno }

    public var description: String { String(cString: strerror(errno)) }
}
