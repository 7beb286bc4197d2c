import ArgumentParser
import ReadTraceCore

/// Which rows and which loads the tables, timelines and storm summary show: shared by tracing
/// and `report`, so a saved dump reads the way the live run did.
struct RowOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Show at most this many rows (default: as many as fit the live view, 25 in the summary and report); the rest are summed in one line.",
            valueName: "count"))
    var top: Int?

    @Option(
        name: .customLong("min-bytes"), parsing: .unconditional,
        help: ArgumentHelp(
            "Sum rows that read less than this with the rest (4K, 1M, 2G). (default: 0)", valueName: "size"),
        transform: ByteCount.argument)
    var minimumBytes = ByteCount(bytes: 0)

    @Option(
        name: .customLong("min-load-size"), parsing: .unconditional,
        help: ArgumentHelp(
            "Files at least this large count as loads in the timeline and the storm summary; model files (.engine, .safetensors, .gguf, …) count whatever their size. (default: \(ByteCount(bytes: Int(LoadRule().minimumBytes))))",
            valueName: "size"), transform: ByteCount.argument)
    var minimumLoadSize = ByteCount(bytes: Int(LoadRule().minimumBytes))

    mutating func validate() throws {
        if let top, top < 1 {
            throw ValidationError("--top must be at least 1, got \(top)")
        }
    }

    var policy: RowPolicy { RowPolicy(top: top, minimumBytes: UInt64(minimumBytes.bytes)) }
    var rule: LoadRule { LoadRule(minimumBytes: UInt64(minimumLoadSize.bytes)) }
}
