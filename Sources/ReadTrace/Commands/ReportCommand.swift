import ArgumentParser
import Glibc
import ReadTraceCore

/// `readtrace report DUMP`: draws a saved dump again, offline, without root.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readtrace report",
        abstract: "Print a saved JSON dump: one line per load, the load timeline and the storm summary.")

    @Argument(help: ArgumentHelp("A dump written by readtrace --json.", valueName: "dump"))
    var dumpPath: String

    @Option(help: ArgumentHelp("Line width (default: the terminal's, or 160).", valueName: "columns"))
    var width: Int?

    @Option(help: ArgumentHelp("Show at most this many files (the largest); the rest are summed in one line.", valueName: "count"))
    var top: Int?

    mutating func validate() throws {
        if let width, width < 60 { throw ValidationError("--width must be at least 60") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1, got \(top)") }
    }

    func run() throws {
        guard let bytes = ProcFS.readBytes(dumpPath) else {
            throw ReadTraceError("cannot read \(dumpPath): \(SystemCallError(errno: errno))")
        }
        let dump: DumpDocument
        do {
            dump = try DumpDocument.decode(bytes)
        } catch let failure as DumpDocument.DecodingFailure {
            throw ReadTraceError("\(dumpPath): \(failure.description)")
        }
        StandardStreams.writeOutput(DumpReport(width: width ?? Self.terminalColumns(), rowPolicy: RowPolicy(top: top)).render(dump))
    }

    static func terminalColumns() -> Int {
        var size = winsize()
        guard isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 160 }
        return Int(size.ws_col)
    }
}
