/// A user-facing failure: one line, no stack trace.
public struct ReadTraceError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
