import ArgumentParser

/// A user-facing failure: a line per problem, no stack trace, and the status to exit with.
/// A line may quote names and values as given; readtrace escapes it when it prints it, so a
/// newline in a value cannot forge a line of its own.
public struct ReadTraceError: Error, CustomStringConvertible {
    public var lines: [String]
    public var exitCode: ExitCode
    public var description: String { lines.joined(separator: "\n") }

    public init(_ line: String, exitCode: ExitCode = .failure) {
        self.init(lines: [line], exitCode: exitCode)
    }

    public init(lines: [String], exitCode: ExitCode = .failure) {
        self.lines = lines
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
