import ArgumentParser
import ReadTraceCore

/// `readtrace diff BASELINE NEW`: the files both dumps load, before and after; exit 1 when one
/// regressed beyond the threshold, so a CI job or a rollout can stop on it.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readtrace diff",
        abstract: "Compare the file loads of two dumps: load time, throughput, cache misses, device p99, read amplification.",
        usage: """
            readtrace diff <baseline> <new> [--threshold <percent>] [--key <regex>]
                   [--json <path>] [--width <columns>]
            """,
        discussion: """
            Files are those the dumps count as loads (--min-load-size, or model files by name), matched by path or by \
            --key; in a merged dump a file's copies on every host count together. A file regressed when its load time \
            (the slowest reader's) grew by more than the threshold (and by more than \(TextFormat.fixed(DumpDiff.loadTimeNoiseSeconds * 1000, decimals: 0)) ms), \
            or its throughput fell by more than the threshold.

            Exits 0 when no file regressed, 1 when one did, 2 when a dump cannot be used.
            """)

    @Argument(help: ArgumentHelp("The dump to compare against.", valueName: "baseline"))
    var baselinePath: String

    @Argument(help: ArgumentHelp("The dump to judge.", valueName: "new"))
    var newPath: String

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("How much a figure may worsen before it is a regression: 20% (or 20). (default: 20%)", valueName: "percent"),
        transform: Self.percent)
    var threshold = 0.2

    @OptionGroup var key: KeyOptions

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Write the comparison as JSON to this file (- for standard output, instead of the text).", valueName: "path"))
    var json: String?

    @OptionGroup var width: WidthOptions

    @OptionGroup var rows: RowOptions

    static func percent(_ text: String) throws -> Double {
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let value = Double(number), value.isFinite, value >= 0, value <= 1000 else {
            throw ValidationError("a threshold is a percentage from 0 to 1000: 20% or 20")
        }
        return value / 100
    }

    mutating func validate() throws {
        if baselinePath.isEmpty || newPath.isEmpty { throw ValidationError("readtrace diff needs two dumps' paths, got ''") }
        if json?.isEmpty == true { throw ValidationError("--json needs a file path, got ''") }
    }

    func run() throws {
        let fileKey = try DumpInput.fileKey(key.key)
        let dumps = try DumpInput.read([baselinePath, newPath])
        let before = FileProfile.profiles(of: dumps[0], rule: rows.rule, key: fileKey)
        let after = FileProfile.profiles(of: dumps[1], rule: rows.rule, key: fileKey)
        let diff = DumpDiff(before: before, after: after, threshold: threshold)
        if let json {
            let bytes = try DiffDocument(diff, baseline: baselinePath, new: newPath, key: fileKey).encoded()
            if json == "-" {
                StandardStreams.writeOutput(String(decoding: bytes, as: UTF8.self))
            } else {
                do {
                    try AtomicFile.write(bytes, to: json)
                } catch {
                    throw ReadTraceError("\(error)")
                }
            }
        }
        if json != "-" {
            StandardStreams.writeOutput(
                DiffReport(width: width.columns, rowPolicy: rows.policy).render(diff, baseline: baselinePath, new: newPath))
        }
        if !diff.regressed.isEmpty { throw ExitCode.failure }
    }
}
