import Glibc
import ReadTraceCore
import ReadTraceKernel

/// One run: checks, attach, the event loop, and the summary and dump at the end.
struct TraceSession {
    let options: TraceOptions
    /// Text drawn from the dump, printed after the summary (`readtrace demo`'s diff).
    var epilogue: ((DumpDocument) -> String)? = nil

    /// Signals that end a run with its summary and outputs: SIGHUP too, since a dropped ssh
    /// session must not lose them. With a command, SIGINT is the command's first.
    static let stopSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// Traces until the duration ends, a signal arrives or the command exits, then reports;
    /// returns the exit status.
    func run() throws -> Int32 {
        let sessionStart = Clock.monotonicNanoseconds()
        let (configuration, features, marks) = try preflight()
        let signals = try SignalPipe.shared()
        signals.watch(Self.stopSignals + (options.command.isEmpty ? [] : [SIGCHLD]))
        let liveMode: LiveScreen.Mode =
            options.quiet || (!options.command.isEmpty && options.commandKeepsTerminal)
            ? .silent : .forStandardOutput()
        let screen = LiveScreen(
            mode: liveMode, sort: options.sort, pathFilter: PathFilter(options.paths),
            devices: options.devices, grouping: options.groupBy, rows: options.rows)
        let traced = Result {
            try trace(configuration, features: features, marks: marks, signals: signals, screen: screen, since: sessionStart)
        }
        screen.close()  // whatever happened, the terminal gets its normal screen back
        let outcome = try traced.get()
        return switch report(outcome, screen: screen, writer: OutputWriter(signals: signals)) {
        case .written: outcome.exitCode
        case .failed: outcome.exitCode == 0 ? 1 : outcome.exitCode
        case .aborted(let signal): 128 + signal
        }
    }

    /// What a finished trace leaves behind, every probe detached.
    private struct Outcome {
        var aggregate: TraceAggregate
        var deviceHistory: DeviceHistory
        var metadata: RunMetadata
        /// Block reads per device as the kernel counted them, whoever caused them.
        var deviceReads: [DeviceNumber: DeviceReadCounters]
        var exitCode: Int32
    }

    /// Attaches, runs the event loop, drains the last records; the probes go with the tracer
    /// when this returns (or throws).
    private func trace(
        _ configuration: KernelConfiguration, features: KernelFeatures, marks: [(MarkSpec, [MarkResolver.Target])],
        signals: SignalPipe, screen: LiveScreen, since sessionStart: UInt64
    ) throws -> Outcome {
        let tracer = try KernelTracer(configuration: configuration, features: features)
        // After an exec only markers given by path are looked for: no soname lookups then.
        let attacher = MarkAttacher(markers: marks.map(\.0), resolver: MarkResolver(libraries: SharedLibraries(ldconfigOutput: "")))
        try attacher.attach(marks.map(\.1), to: tracer)
        let recording = try recordStream(of: tracer)
        defer { if let recording { close(recording) } }
        HeapMemory.returnFreePages()
        let start = Clock.monotonicNanoseconds()
        let startedAt = Clock.unixSeconds()
        // The first diskstats sample comes before the message that tells anyone waiting that
        // tracing has begun, so the kernel's block counts and diskstats cover the same IO.
        var run = Run(
            aggregate: makeAggregate(start: start, keepsIntervals: screen.showsIntervals, keepsCallTimes: !marks.isEmpty),
            deviceHistory: DeviceHistory(startNanoseconds: start), start: start, marks: attacher)
        run.deviceHistory.record(DiskStats.read())
        announce(tracer, attachedAfter: start - sessionStart)
        let child =
            try options.command.isEmpty
            ? nil
            : ChildProcess(arguments: options.command, user: options.commandAsInvokingUser ? .invokingSudoUser() : nil)
        let exitCode = try loop(&run, tracer: tracer, child: child, signals: signals, consumers: [screen], screen: screen)

        _ = try drain(tracer, into: &run.aggregate, marks: attacher)
        let counters = try tracer.counters()
        let deviceReads = tracer.deviceReads()
        let end = Clock.monotonicNanoseconds()
        run.deviceHistory.record(DiskStats.read())
        var metadata = RunMetadata(
            toolVersion: ReadTraceVersion.current, host: ProcFS.host(), hook: tracer.hook,
            startedAtUnixSeconds: startedAt, durationSeconds: Double(end - start) / 1e9,
            filters: options.filters, counters: counters)
        metadata.markers = attacher.markers
        return Outcome(
            aggregate: run.aggregate, deviceHistory: run.deviceHistory, metadata: metadata, deviceReads: deviceReads,
            exitCode: exitCode)
    }

    /// What the event loop keeps between wake-ups.
    private struct Run {
        var aggregate: TraceAggregate
        var deviceHistory: DeviceHistory
        let start: UInt64
        let marks: MarkAttacher
        /// Records were left in the ring buffer at the last drain.
        var backlog = false
        /// The command has had its Ctrl-C.
        var interrupted = false
        var lastRefresh: (time: UInt64, events: UInt64) = (0, 0)
    }

    /// `--record-stream`: every ring-buffer record, framed, to the file; returns its descriptor.
    private func recordStream(of tracer: KernelTracer) throws -> Int32? {
        try options.recordStreamPath.map { path in
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw ReadTraceError("--record-stream \(path): \(Errno.current)") }
            tracer.rawRecordObserver = { record in
                let framed = RecordStream.frame(record)
                _ = framed.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            }
            return descriptor
        }
    }

    /// The start line (the hook, and why faster ones were refused) and what this run cannot see.
    private func announce(_ tracer: KernelTracer, attachedAfter nanoseconds: UInt64) {
        let refusals = tracer.refusedHooks.isEmpty ? "" : " (\(tracer.refusedHooks.map(KernelWording.sentence).joined(separator: "; ")))"
        StandardStreams.writeError(
            "readtrace: tracing with \(tracer.hook.rawValue) hooks\(refusals), attached in \(nanoseconds / 1_000_000) ms; Ctrl-C to stop\n")
        for limitation in tracer.limitations { StandardStreams.writeError("readtrace: note: \(KernelWording.sentence(for: limitation))\n") }
    }

    private func makeAggregate(start: UInt64, keepsIntervals: Bool, keepsCallTimes: Bool) -> TraceAggregate {
        let namers = Self.namers()
        return TraceAggregate(
            startNanoseconds: start, describe: namers.describe, locate: namers.locate,
            resolveOpenFile: { pid, file in ProcFS.openPath(of: file, in: pid) },
            loadedShare: options.loadedShare, keepsIntervals: keepsIntervals, keepsCallTimes: keepsCallTimes)
    }

    /// What user space adds to the kernel's names: whole command lines from /proc, cgroup
    /// paths, full paths from the mount table.
    static func namers() -> (describe: TraceAggregate.ProcessDescriber, locate: TraceAggregate.FileLocator) {
        let cgroupNames = CgroupHierarchy.current().map(CgroupNames.init)
        let mounts = MountTable.current()
        return (
            { record in
                // The kernel's copy of the command line survives the process; /proc has it whole.
                let cmdline = record.cmdlineComplete ? record.cmdline : ProcFS.cmdline(of: record.pid) ?? record.cmdline.map { $0 + "…" }
                return TracedProcess(record: record, cmdline: cmdline, cgroupPath: cgroupNames?.path(of: record.cgroupID))
            }, mounts.locate
        )
    }

    /// Drains records, answers signals and keys, and refreshes every interval until the run
    /// ends; returns the exit status.
    private func loop(
        _ run: inout Run, tracer: KernelTracer, child: ChildProcess?, signals: SignalPipe,
        consumers: [any IntervalConsumer], screen: LiveScreen
    ) throws -> Int32 {
        let events = EventLoop(descriptors: [tracer.pollDescriptor, signals.readEnd])
        var nextRefresh = run.start + options.interval.nanoseconds
        let deadline = options.duration.map { run.start + $0.nanoseconds }
        run.lastRefresh = (run.start, 0)
        while true {
            let now = Clock.monotonicNanoseconds()
            let wakeAt = run.backlog ? now : min(nextRefresh, deadline ?? .max, now + KernelTracer.drainIntervalNanoseconds)
            try events.wait(timeoutNanoseconds: wakeAt > now ? wakeAt - now : 0, also: screen.inputDescriptors)
            // Bounded, so that signals, keys and refreshes keep their turn under a flood of records.
            run.backlog = try drain(
                tracer, into: &run.aggregate, marks: run.marks,
                until: min(nextRefresh, Clock.monotonicNanoseconds() + Self.drainSliceNanoseconds))
            if let exitCode = answer(signals.take(), child: child, run: &run) { return exitCode }
            screen.handleKeys()
            if screen.quitRequested {  // q: as Ctrl-C
                return child.map { stop($0, with: SIGINT) } ?? 0
            }
            let afterWait = Clock.monotonicNanoseconds()
            if let deadline, afterWait >= deadline { return 0 }
            if afterWait >= nextRefresh {
                try refresh(consumers, run: &run, tracer: tracer, at: afterWait)
                nextRefresh = max(nextRefresh + options.interval.nanoseconds, afterWait + 1)
            }
        }
    }

    /// The exit status when a signal ends the run; nil to go on.
    private func answer(_ deliveries: [SignalPipe.Delivery], child: ChildProcess?, run: inout Run) -> Int32? {
        for delivery in deliveries {
            if delivery.signal == SIGCHLD, let status = child?.exitStatus() { return status.code }
            guard Self.stopSignals.contains(delivery.signal) else { continue }
            guard let child else { return 0 }
            if delivery.signal == SIGINT, !run.interrupted {
                // The command decides what Ctrl-C means to it; its reads are traced until it exits.
                run.interrupted = true
                if delivery.sentByProcess { child.signal(SIGINT) }
                StandardStreams.writeError(
                    "readtrace: Ctrl-C passed to the command (pid \(child.pid)); tracing until it exits, Ctrl-C again to stop waiting\n")
                continue
            }
            if delivery.signal == SIGINT {
                StandardStreams.writeError("readtrace: stopped waiting; the command (pid \(child.pid)) was left running\n")
                return 128 + SIGINT
            }
            return stop(child, with: delivery.signal)
        }
        return nil
    }

    /// Samples the devices and hands the interval to every consumer.
    private func refresh(_ consumers: [any IntervalConsumer], run: inout Run, tracer: KernelTracer, at now: UInt64) throws {
        let seconds = Double(now - run.lastRefresh.time) / 1e9
        run.deviceHistory.record(DiskStats.read())
        let snapshot = IntervalSnapshot(
            aggregate: run.aggregate, interval: run.aggregate.takeInterval(), intervalSeconds: seconds,
            elapsedSeconds: Double(now - run.start) / 1e9, hook: tracer.hook, counters: try tracer.counters(),
            eventsPerSecond: Double(run.aggregate.eventsReceived - run.lastRefresh.events) / max(seconds, 1e-9),
            deviceHistory: run.deviceHistory)
        for consumer in consumers { consumer.refresh(with: snapshot) }
        run.lastRefresh = (now, run.aggregate.eventsReceived)
    }

    /// The summary, the dump and the lost-events warning.
    private func report(_ outcome: Outcome, screen: LiveScreen, writer: OutputWriter) -> OutputWriter.Result {
        let topology = BlockDeviceTopology.read(names: outcome.deviceHistory.devices.map(\.name))
        let contents = DumpContents(
            aggregate: outcome.aggregate, metadata: outcome.metadata,
            pathFilter: PathFilter(options.paths), deviceHistory: outcome.deviceHistory,
            topology: topology, deviceReads: outcome.deviceReads)
        let dump = DumpSource(contents, rule: options.loadRule, rowPolicy: options.rows)
        if !options.quiet {
            let blockReads = DeviceReadCounters.byName(outcome.deviceReads, devices: outcome.deviceHistory.devices, topology: topology)
            StandardStreams.writeOutput(
                screen.summary(
                    aggregate: outcome.aggregate, metadata: outcome.metadata,
                    deviceHistory: outcome.deviceHistory, blockReads: blockReads, dump: dump.document,
                    rule: dump.rule, rows: dump.rowPolicy))
            if let epilogue { StandardStreams.writeOutput(epilogue(dump.document)) }
        }
        let written = writer.write(options.outputs, from: dump)
        if outcome.metadata.counters.skippedProgramRuns > 0 {
            StandardStreams.writeError(
                "readtrace: the kernel skipped readtrace's programs \(outcome.metadata.counters.skippedProgramRuns) times (nested on one CPU); some events were not seen\n"
            )
        }
        let lost = outcome.metadata.counters.eventsLost
        if lost > 0 {
            StandardStreams.writeError("readtrace: \(lost) events were lost (ring buffer full); totals are low by that many reads\n")
        }
        return written
    }

    /// Hands the kernel's records to the aggregate; markers attach to their library in a new
    /// process's mount namespace. Returns whether records were left for the next call.
    private func drain(
        _ tracer: KernelTracer, into aggregate: inout TraceAggregate, marks: MarkAttacher, until deadline: UInt64 = .max
    ) throws -> Bool {
        var execs: [Int32] = []
        let left = try drain(tracer, until: deadline) { event in
            if case .exec(let pid) = event { execs.append(pid) } else { aggregate.record(event) }
        }
        for pid in execs { marks.noteExec(of: pid, tracer: tracer) }
        return left
    }

    /// Hands the kernel's records to `handle`, but for cgroups: those of a pod or container the
    /// user asked for are traced from now on. Returns whether records were left.
    func drain(_ tracer: KernelTracer, until deadline: UInt64, _ handle: (KernelEvent) -> Void) throws -> Bool {
        var selected: [UInt64] = []
        let left = try tracer.drain(until: deadline) { event in
            if case .cgroup(let cgroup) = event {
                if options.selects(cgroupPath: cgroup.path) { selected.append(cgroup.id) }
            } else {
                handle(event)
            }
        }
        for id in selected { try tracer.traceCgroup(id: id) }
        return left
    }

    /// The longest the loop spends draining records before it looks at signals and keys.
    private static let drainSliceNanoseconds: UInt64 = 200_000_000

    /// Passes a stop signal on to the command and gives it a moment to exit.
    private func stop(_ child: ChildProcess, with signal: Int32) -> Int32 {
        child.signal(signal)
        for _ in 0..<100 {
            if let status = child.exitStatus() { return status.code }
            usleep(10_000)
        }
        return 128 + signal
    }

    /// Everything that can be checked before attaching, each failure one clear line.
    func preflight() throws -> (KernelConfiguration, KernelFeatures, [(MarkSpec, [MarkResolver.Target])]) {
        for output in options.outputs { try AtomicFile.checkWritable(path: output.path) }
        Capability.raisePermitted()
        let missingCapabilities = Capability.missingNow()
        guard missingCapabilities.isEmpty else { throw ReadTraceError(KernelWording.missing(missingCapabilities)) }
        let features = try KernelWording.probeFeatures()
        if let missing = features.missingRequirements.first { throw ReadTraceError(KernelWording.missingRequirement(missing)) }
        try checkCommand()
        if let missing = options.pids.first(where: { !ProcFS.processExists($0) }) {
            throw ReadTraceError("--pid \(missing): no such process")
        }
        var configuration = KernelConfiguration()
        (configuration.cgroups, configuration.watchCgroups) = try cgroupFilters()
        TraceFS.mountIfMissing()
        configuration.hook = options.hook
        configuration.pids = options.pids
        configuration.comms = options.comms
        configuration.traceChildren = !options.command.isEmpty
        configuration.allFiles = options.allFiles
        configuration.ringBufferBytes = options.bufferSize.bytes
        configuration.verbose = options.verbose
        configuration.emptyReadHooks = options.emptyReadHooks
        let marks = try markTargets(features: features)
        configuration.marks = !marks.isEmpty
        configuration.watchExecs = MarkAttacher.watchesExecs(marks.map(\.0))
        return (configuration, features, marks)
    }

    /// The files each `--mark` (and each preset's marker) attaches to; refused in one line when
    /// the kernel has no uprobes or a marker's library, symbol or probe is missing.
    private func markTargets(features: KernelFeatures) throws -> [(MarkSpec, [MarkResolver.Target])] {
        guard !options.marks.isEmpty || !options.presets.isEmpty else { return [] }
        guard features.has(.uprobes) else {
            let flag = options.marks.isEmpty ? "--preset" : "--mark"
            throw ReadTraceError("\(flag) needs uprobes, and this kernel has none (\(KernelWording.noun(for: .uprobes)))")
        }
        return try MarkAttacher.resolve(
            marks: options.marks, presets: options.presets, resolver: MarkResolver(libraries: SharedLibraries.current()))
    }

    /// The command of `-- COMMAND` can be run: exit 127 when it is not found, 126 when it is no executable.
    private func checkCommand() throws {
        switch options.command.first.map({ ExecutableSearch.find($0) }) {
        case .notFound:
            let program = options.command[0]
            throw ReadTraceError(
                "cannot run \(program): \(program.contains("/") ? "no such file" : "no such command in PATH")",
                exitCode: .commandNotFound)
        case .notExecutable(let file):
            throw ReadTraceError("cannot run \(options.command[0]): \(file) is not an executable file", exitCode: .commandNotExecutable)
        case .found, nil:
            break
        }
    }

    /// The cgroups the kernel filters on (`--cgroup`, and the pods and containers already
    /// running), and whether new cgroups must be watched for pods and containers that start later.
    private func cgroupFilters() throws -> ([(id: UInt64, level: Int)], watch: Bool) {
        guard !options.cgroups.isEmpty || !options.pods.isEmpty || !options.containers.isEmpty else { return ([], false) }
        guard let hierarchy = CgroupHierarchy.current() else {
            throw ReadTraceError("--cgroup, --pod and --container need a mounted cgroup v2 hierarchy, and none is mounted")
        }
        var cgroups = try options.cgroups.map { path in
            guard let cgroup = hierarchy.resolve(path) else {
                throw ReadTraceError("--cgroup \(path): no such cgroup under \(hierarchy.mountPoint)")
            }
            guard cgroup.level < KernelConfiguration.maxCgroupDepth else {
                throw ReadTraceError("--cgroup \(path): deeper than \(KernelConfiguration.maxCgroupDepth) levels")
            }
            return (id: cgroup.id, level: cgroup.level)
        }
        let watchesPods = !options.pods.isEmpty || !options.containers.isEmpty
        if watchesPods {
            cgroups += hierarchy.all().filter { options.selects(cgroupPath: $0.path) }.map { (id: $0.id, level: $0.level) }
        }
        return (cgroups, watchesPods)
    }
}
