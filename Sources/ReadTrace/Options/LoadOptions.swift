import ArgumentParser
import ReadTraceCore

/// When a process has loaded a file: shared by tracing and the agent, whose triggers judge loads.
struct LoadOptions: ParsableArguments {
    @Option(
        name: .customLong("loaded-at"), parsing: .unconditional,
        help: ArgumentHelp(
            "A process has loaded a file once it has read this percentage of the file's size (1-100).",
            discussion: "Sets load_s in the dump and the end of each load in the timeline.", valueName: "percent"))
    var loadedAtPercent = TraceOptions().loadedShare * 100

    mutating func validate() throws {
        if !(loadedAtPercent > 0 && loadedAtPercent <= 100) {
            throw ValidationError("--loaded-at must be a percentage above 0 and at most 100, got \(loadedAtPercent)")
        }
    }

    var share: Double { loadedAtPercent / 100 }
}
