import ArgumentParser
import Glibc
import ReadTraceCore

/// `readtrace report DUMP`: draws a saved dump again, offline, without root. The dump is
/// untrusted input: read with a size limit and checked before anything is drawn.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readtrace report",
        abstract: "Print a saved JSON dump: one line per load, the load timeline and the storm summary.",
        usage: "readtrace report <dump> [--width <columns>] [--top <count>]\n       [--min-bytes <size>] [--min-load-size <size>]",
        discussion: """
            Exits 0 when the dump was shown, and 2 when it cannot be used (unreadable, larger than \
            \(DumpFile.maximumBytes >> 20) MiB, not JSON, another schema version, or values no run can produce), \
            with one line per problem naming the field. Status 1 is kept for findings.
            """)

    @Argument(help: ArgumentHelp("A dump written by readtrace --json.", valueName: "dump"))
    var dumpPath: String

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Line width, 60 to 1000 (default: the terminal's, or 160).", valueName: "columns"))
    var width: Int?

    @OptionGroup var rows: RowOptions

    mutating func validate() throws {
        if dumpPath.isEmpty { throw ValidationError("readtrace report needs a dump's path, got ''") }
        if let width, !(60...1000).contains(width) { throw ValidationError("--width must be from 60 to 1000, got \(width)") }
    }

    func run() throws {
        let dump: DumpDocument
        do {
            dump = try DumpFile.read(dumpPath)
        } catch {
            // A line per problem, but not a line per entry of a large crafted dump.
            let shown = error.problems.prefix(20) + (error.problems.count > 20 ? ["\(error.problems.count - 20) more problems"] : [])
            throw ReadTraceError(lines: shown.map { "\(dumpPath): \($0)" }, exitCode: .unusableInput)
        }
        let width = width ?? (TerminalSize.ofStandardOutput() ?? .fallback).columns
        StandardStreams.writeOutput(DumpReport(width: width, rule: rows.rule, rowPolicy: rows.policy).render(dump))
    }
}
