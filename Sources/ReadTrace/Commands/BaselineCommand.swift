import ArgumentParser
import ReadTraceCore

/// `readtrace baseline update|check STORE DUMP`: a history of each file's loads on disk, and
/// dumps judged against it.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readtrace baseline",
        abstract: "Keep each file's load history in a store, and flag loads that depart from it.",
        usage: """
            readtrace baseline update <store> <dump> [--keep <count>] [--key <regex>]
                   readtrace baseline check <store> <dump> [--deviations <k>]
                   [--min-history <count>] [--key <regex>]
            """,
        discussion: """
            The store is a directory of JSON files, one per file (or --key), each replaced atomically; update holds an \
            exclusive lock on the store (its .lock file) from reading a history to writing it, so concurrent updates \
            queue and lose nothing. A dump already recorded (same started_at and host) is not recorded twice.

            Exits 0 when nothing was flagged, 1 when check flagged a load (or a write failed), 2 when the dump or the store \
            cannot be used.
            """,
        subcommands: [Update.self, Check.self])

    /// The arguments both take.
    struct Inputs: ParsableArguments {
        @Argument(help: ArgumentHelp("The store: a directory.", valueName: "store"))
        var store: String

        @Argument(help: ArgumentHelp("A dump written by readtrace --json.", valueName: "dump"))
        var dump: String

        @OptionGroup var key: KeyOptions

        @OptionGroup var rows: RowOptions

        mutating func validate() throws {
            if store.isEmpty || dump.isEmpty { throw ValidationError("readtrace baseline needs a store and a dump, got ''") }
        }

        func profiles() throws -> (DumpDocument, [FileProfile]) {
            let dump = try DumpInput.read(self.dump)
            return (dump, FileProfile.profiles(of: dump, rule: rows.rule, key: try DumpInput.fileKey(key.key)))
        }

        func open(create: Bool) throws -> BaselineStore {
            do {
                return try BaselineStore(directory: store, create: create)
            } catch {
                throw ReadTraceError(error.description, exitCode: .unusableInput)
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update", abstract: "Add a dump's loads to each file's history in the store (created if missing).",
            usage: "readtrace baseline update <store> <dump> [--keep <count>] [--key <regex>]")

        @OptionGroup var inputs: Inputs

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp("Keep each file's last this many loads. (default: \(Self.defaultKeep))", valueName: "count"))
        var keep = Self.defaultKeep

        static let defaultKeep = 30

        mutating func validate() throws {
            if keep < 1 { throw ValidationError("--keep must be at least 1, got \(keep)") }
        }

        func run() throws {
            let (dump, profiles) = try inputs.profiles()
            let store = try inputs.open(create: true)
            var recorded = 0
            try unusable {
                try store.locked(exclusive: true) {
                    for profile in profiles {
                        var history = try store.history(of: profile.key) ?? BaselineHistory(key: profile.key)
                        guard history.record(BaselineHistory.Load(profile, of: dump), keep: keep) else { continue }
                        do {
                            try store.save(history)
                        } catch {
                            throw ReadTraceError("\(error)")
                        }
                        recorded += 1
                    }
                }
            }
            StandardStreams.writeOutput(
                "readtrace baseline: recorded \(recorded) of \(profiles.count) file load\(profiles.count == 1 ? "" : "s") in "
                    + "\(TerminalText.escaped(inputs.store))" + (recorded < profiles.count ? " (the rest were recorded before)" : "") + "\n"
            )
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Flag loads more than k median absolute deviations from their file's history; exit 1 if any.",
            usage:
                "readtrace baseline check <store> <dump> [--deviations <k>]\n       [--min-history <count>] [--key <regex>] [--width <columns>]"
        )

        @OptionGroup var inputs: Inputs

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp(
                "Flag a load time more than this many median absolute deviations from the history's median. (default: \(TextFormat.fixed(BaselineCheck.defaultDeviations, decimals: 0)))",
                valueName: "k"))
        var deviations = BaselineCheck.defaultDeviations

        @Option(
            name: .customLong("min-history"), parsing: .unconditional,
            help: ArgumentHelp(
                "Judge only files with at least this many loads in their history. (default: \(BaselineCheck.defaultMinimumHistory))",
                valueName: "count"))
        var minimumHistory = BaselineCheck.defaultMinimumHistory

        @OptionGroup var width: WidthOptions

        mutating func validate() throws {
            if !(deviations > 0 && deviations.isFinite) { throw ValidationError("--deviations must be above 0, got \(deviations)") }
            if minimumHistory < 1 { throw ValidationError("--min-history must be at least 1, got \(minimumHistory)") }
        }

        func run() throws {
            let (_, profiles) = try inputs.profiles()
            let store = try inputs.open(create: false)
            var histories: [String: BaselineHistory] = [:]
            try unusable {
                try store.locked(exclusive: false) {
                    for profile in profiles { histories[profile.key] = try store.history(of: profile.key) }
                }
            }
            let check = BaselineCheck(profiles: profiles, histories: histories, deviations: deviations, minimumHistory: minimumHistory)
            StandardStreams.writeOutput(
                BaselineReport(width: width.columns, rowPolicy: inputs.rows.policy).render(check, store: inputs.store))
            if !check.flagged.isEmpty { throw ExitCode.failure }
        }
    }
}

/// A store that cannot be read or locked is unusable input (2); a failed write stays a failure (1).
private func unusable(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as BaselineStore.Failure {
        throw ReadTraceError(failure.description, exitCode: .unusableInput)
    }
}
