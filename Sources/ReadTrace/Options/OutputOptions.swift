import ArgumentParser
import ReadTraceCore

/// Files written when tracing ends. A new output is a `RunOutput` type and one option here: the
/// session collects every option of this group whose value is an output.
struct OutputOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Write a JSON dump of the whole run to this file when tracing ends.", valueName: "path"),
        transform: Self.output(JSONDumpOutput.init(path:)))
    var json: JSONDumpOutput?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Write a self-contained HTML report (timeline, device tracks, tables) to this file when tracing ends.",
            valueName: "path"), transform: Self.output(HTMLReportOutput.init(path:)))
    var html: HTMLReportOutput?

    @Option(
        name: .customLong("trace-events"), parsing: .unconditional,
        help: ArgumentHelp(
            "Write the run as Chrome trace-event JSON to this file (opens in Perfetto UI and chrome://tracing).",
            valueName: "path"), transform: Self.output(TraceEventsOutput.init(path:)))
    var traceEvents: TraceEventsOutput?

    /// An output option's value: a file path, never empty (which would fail only once tracing ends).
    static func output<Output: RunOutput>(_ make: @escaping @Sendable (String) -> Output) -> @Sendable (String) throws -> Output {
        { path in
            guard !path.isEmpty else { throw ValidationError("an output needs a file path") }
            return make(path)
        }
    }

    /// The outputs asked for, in the order of their options.
    var requested: [any RunOutput] {
        Mirror(reflecting: self).children.compactMap { ($0.value as? any RequestedOutput)?.output }
    }
}

/// An option of this group, seen through the mirror: an output, if one was asked for.
private protocol RequestedOutput {
    var output: (any RunOutput)? { get }
}

private protocol OptionalOutput {
    var output: (any RunOutput)? { get }
}

extension Optional: OptionalOutput where Wrapped: RunOutput {
    fileprivate var output: (any RunOutput)? { self }
}

extension Option: RequestedOutput where Value: OptionalOutput {
    fileprivate var output: (any RunOutput)? { wrappedValue.output }
}
