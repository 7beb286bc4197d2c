import ArgumentParser
import ReadTraceCore

/// How wide the offline commands (`report`, `diff`, `baseline check`) draw their text.
struct WidthOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Line width, 60 to 1000 (default: the terminal's, or 160).", valueName: "columns"))
    var width: Int?

    mutating func validate() throws {
        if let width, !(60...1000).contains(width) { throw ValidationError("--width must be from 60 to 1000, got \(width)") }
    }

    var columns: Int { width ?? (TerminalSize.ofStandardOutput() ?? .fallback).columns }
}
