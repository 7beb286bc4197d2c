import ArgumentParser
import ReadTraceCore

/// What a row stands for: shared by tracing and `report`.
struct GroupingOptions: ParsableArguments {
    @Option(
        name: .customLong("group-by"), parsing: .unconditional,
        help: ArgumentHelp(
            "Rows of the live view and the summary stand for a process, or for all processes of a container or a pod.",
            valueName: "process|container|pod"))
    var groupBy = TraceOptions().groupBy
}
