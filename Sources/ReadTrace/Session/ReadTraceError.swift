import ArgumentParser

/// A user-facing failure: a line per problem, no stack trace, and the status to exit with.
public struct ReadTraceError: Error, CustomStringConvertible {
    public var description: String
    public var exitCode: ExitCode

    public init(_ description: String, exitCode: ExitCode = .failure) {
        self.description = description
        self.exitCode = exitCode
    }
}

extension ExitCode {
    /// `report`: the dump cannot be used (1 is kept for findings, as `diff` will report them).
    static let unusableInput = ExitCode(2)
    /// `-- COMMAND` exists but cannot be run, as shells say it.
    static let commandNotExecutable = ExitCode(126)
    /// `-- COMMAND` was not found, as shells say it.
    static let commandNotFound = ExitCode(127)
}
