import ArgumentParser
import Glibc
import ReadTraceCore

/// `readtrace report DUMP...`: draws saved dumps again, offline, without root; several dumps
/// (the nodes of one storm, an agent's dumps) merged on wall-clock time with a host column.
/// The dumps are untrusted input: read with a size limit and checked before anything is drawn.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readtrace report",
        abstract: "Print saved JSON dumps: one line per load, the load timeline and the storm summary.",
        usage: """
            readtrace report <dump> ... [--width <columns>] [--top <count>]
                   [--group-by process|container|pod] [--comm <name>] [--pod <uid>]
                   [--path <glob>] [--json <path>] [--html <path>]
                   [--trace-events <path>]
            """,
        discussion: """
            Several dumps are merged on wall-clock time (their started_at), each host's processes, files and devices kept \
            apart (device names get the host as a prefix); --json writes the merged dump. The filters select from the dumps \
            as tracing would have: --comm, --pid, --cgroup (a path inside the hierarchy), --pod, --container, --path.

            Exits 0 when the dumps were shown, 2 when one cannot be used (unreadable, larger than \
            \(DumpFile.maximumBytes >> 20) MiB, not JSON, another schema version, or values no run can produce), \
            with one line per problem naming the field, and 1 when an output could not be written.
            """)

    @Argument(help: ArgumentHelp("Dumps written by readtrace --json.", valueName: "dump"))
    var dumpPaths: [String] = []

    @OptionGroup var width: WidthOptions

    @OptionGroup(title: "Filters")
    var filters: FilterOptions

    @OptionGroup var grouping: GroupingOptions

    @OptionGroup var rows: RowOptions

    @OptionGroup(title: "Outputs")
    var outputs: OutputOptions

    mutating func validate() throws {
        if dumpPaths.isEmpty || dumpPaths.contains("") {
            throw ValidationError("readtrace report needs a dump's path, got '\(dumpPaths.first { $0.isEmpty } ?? "")'")
        }
        if filters.allFiles { throw ValidationError("--all-files applies when tracing: a dump holds what its run counted") }
    }

    func run() throws {
        var options = TraceOptions()
        filters.apply(to: &options)
        let selection = DumpSelection(
            comms: options.comms, pids: options.pids, cgroups: options.cgroups, pods: options.pods, containers: options.containers,
            paths: options.paths)
        let dump = selection.apply(to: try DumpInput.merged(dumpPaths))
        let report = DumpReport(width: width.columns, rule: rows.rule, rowPolicy: rows.policy, grouping: grouping.groupBy)
        StandardStreams.writeOutput(report.render(dump))
        let requested = outputs.requested
        guard !requested.isEmpty else { return }
        let written = OutputWriter(signals: try SignalPipe.shared())
            .write(requested, from: DumpSource(dump, rule: rows.rule, rowPolicy: rows.policy))
        if written != .written { throw ExitCode.failure }
    }
}
