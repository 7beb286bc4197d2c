import ArgumentParser
import ReadTraceCore

/// What the live view, the summary and the loads show, and for how long.
struct ViewOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Refresh the live view every interval (10s, 500ms, 2m; a bare number is seconds). (default: \(TraceOptions().interval))",
            valueName: "time"), transform: TimeSpan.argument)
    var interval = TraceOptions().interval

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Stop after this long (10s, 500ms, 2m; a bare number is seconds).", valueName: "time"), transform: TimeSpan.argument)
    var duration: TimeSpan?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Order rows by this key (bytes: in the interval; total: over the run).", valueName: "key"))
    var sort = TraceOptions().sort

    @OptionGroup var grouping: GroupingOptions

    @OptionGroup var load: LoadOptions

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Devices shown (from /proc/diskstats, as iostat -x computes them): auto (those holding the traced files), all (those with IO), or a comma-separated list of names.",
            valueName: "auto|all|names"))
    var devices = TraceOptions().devices

    @Flag(help: "Print nothing on standard output while tracing, nor the summary.")
    var quiet = false

    @Option(
        name: .customLong("hide-idle"), parsing: .unconditional,
        help: ArgumentHelp(
            "Hide live-view rows that have read nothing for this long (10s, 2m); they come back when they read.",
            valueName: "time"), transform: TimeSpan.argument)
    var hideIdle: TimeSpan?

    @OptionGroup var rows: RowOptions

    mutating func validate() throws {
        if interval.nanoseconds < 10_000_000 {
            throw ValidationError("--interval must be at least 10ms, got \(interval)")
        }
        if let duration, duration.nanoseconds == 0 {
            throw ValidationError("--duration must be longer than 0, got \(duration)")
        }
        if case .named(let names) = devices {
            let known = Set(DiskStats.read().entries.map(\.name))
            if let unknown = names.first(where: { !known.contains($0) }) {
                throw ValidationError(
                    "--devices '\(unknown)': /proc/diskstats has no such device; give auto, all, or names from: "
                        + known.sorted().joined(separator: ", "))
            }
        }
    }

    func apply(to options: inout TraceOptions) {
        options.interval = interval
        options.duration = duration
        options.sort = sort
        options.groupBy = grouping.groupBy
        options.devices = devices
        options.loadedShare = load.share
        options.quiet = quiet
        options.rows = rows.policy
        options.rows.hideIdleAfter = hideIdle
        options.loadRule = rows.rule
    }
}
