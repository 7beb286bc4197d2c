import CMalloc
import Dispatch
import Glibc
import Logging
import ReadTraceCore
import ReadTraceKernel
import Synchronization

/// `readtrace agent`: serves the endpoints, attaches, and runs the event loop until SIGTERM or
/// SIGINT: series for Prometheus, the flight recorder, SIGUSR1 and trigger dumps. The probes
/// go with the tracer on every way out; a kernel-side failure leaves the server answering
/// /healthz with 503 until the agent is stopped.
struct AgentSession {
    let options: TraceOptions
    let settings: AgentSettings
    let logger: Logger

    static let stopSignals = TraceSession.stopSignals

    /// How often devices and counters are sampled and the self-health gauges refreshed.
    static let tickNanoseconds: UInt64 = 1_000_000_000
    /// How often gone processes and expired history are looked for: every 10 s, or as often
    /// as a shorter forget time needs.
    var sweepNanoseconds: UInt64 { max(Self.tickNanoseconds, min(10_000_000_000, settings.forgetAfter.nanoseconds / 2)) }

    private final class State: Sendable {
        let health = Mutex<AgentServer.Health>(.starting)
        let dumps = Mutex<AgentDumps?>(nil)
    }

    func run() throws -> Int32 {
        ProcFS.processes = settings.hostProc
        // glibc gives each thread that allocates (the server's event loops, the consumer) an
        // arena of its own, and freed memory stays in them: on compressed pod churn that doubled
        // the agent's RSS (scripts/agent-node-load --churn, BENCHMARKS.md). Two arenas are enough
        // for an agent that is mostly one consumer thread.
        mallopt(M_ARENA_MAX, 2)
        let session = TraceSession(options: options)
        var (configuration, features, _) = try session.preflight()
        // The file label's selection, decided in the kernel where it is name suffixes.
        configuration.fileSelection = SuffixSelection(globs: options.paths)
        let signals = try SignalPipe.shared()
        signals.watch(Self.stopSignals + [SIGUSR1])
        let metrics = AgentMetrics()
        let state = State()
        let server = try startServer(metrics: metrics, state: state)
        defer { server.stop() }

        if let failure = traceUntilStopped(
            configuration, features: features, metrics: metrics, state: state, signals: signals, session: session)
        {
            return fail(failure, state: state, signals: signals)
        }
        logger.info("stopped", metadata: ["probes": "detached"])
        return 0
    }

    /// Attaches and runs the event loop; returns why the kernel side failed, nil when stopped.
    /// The tracer, and with it every probe, is gone when this returns.
    private func traceUntilStopped(
        _ configuration: KernelConfiguration, features: KernelFeatures, metrics: AgentMetrics, state: State, signals: SignalPipe,
        session: TraceSession
    ) -> String? {
        do {
            let tracer = try KernelTracer(configuration: configuration, features: features)
            return try trace(tracer, metrics: metrics, state: state, signals: signals, session: session)
        } catch {
            return KernelWording.line(for: error)
        }
    }

    /// Marks the agent failed, keeps answering until a stop signal, and gives the exit status.
    private func fail(_ reason: String, state: State, signals: SignalPipe) -> Int32 {
        state.health.withLock { $0 = .failed(reason) }
        logger.error("kernel side failed", metadata: ["reason": "\(reason)"])
        let events = EventLoop(descriptors: [signals.readEnd])
        while true {
            try? events.wait(timeoutNanoseconds: 60_000_000_000)
            if signals.take().contains(where: { Self.stopSignals.contains($0.signal) }) { return 1 }
        }
    }

    /// The server, listening, before anything is attached: /healthz answers 503 meanwhile.
    private func startServer(metrics: AgentMetrics, state: State) throws -> RunningServer {
        guard let address = AgentSettings.address(settings.listen) else {
            throw ReadTraceError("--listen \(settings.listen): not host:port")
        }
        let server = AgentServer(
            host: address.host, port: address.port, metrics: { metrics.exposition() }, health: { state.health.withLock { $0 } },
            dump: { request in state.dumps.withLock { $0 }?.dump(request) },
            logger: Logger(label: "readtrace.http") { _ in SwiftLogNoOpLogHandler() })
        let running = try RunningServer(server)
        logger.info(
            "listening", metadata: ["address": "\(address.host.contains(":") ? "[\(address.host)]" : address.host):\(running.port)"])
        return running
    }

    /// The event loop; returns the reason when the kernel side fails, nil when stopped.
    private func trace(
        _ tracer: KernelTracer, metrics: AgentMetrics, state: State, signals: SignalPipe, session: TraceSession
    ) throws -> String? {
        let start = Clock.monotonicNanoseconds()
        let clock = AgentClock.now()
        let host = ProcFS.host()
        let namers = TraceSession.namers()
        let pods = PodNameCache(directory: settings.podsLogDirectory)
        let collectors = AgentCollectors(metrics, hook: tracer.hook, kernel: host.kernel)
        var readMetrics = ReadMetrics(
            configuration: ReadMetrics.Configuration(
                fileLabels: MetricFileLabels(globs: options.paths), maxSeries: settings.maxSeries, loadedShare: options.loadedShare,
                loadRule: options.loadRule, forgetAfterNanoseconds: settings.forgetAfter.nanoseconds),
            podName: pods.pod(uid:))
        var trigger = LoadTrigger(
            slowerThanBytesPerSecond: settings.slowerThan?.bytesPerSecond, longerThanNanoseconds: settings.longerThan?.nanoseconds,
            quietNanoseconds: settings.triggerQuietNanoseconds, keepNanoseconds: settings.retain.nanoseconds)
        let dumps = AgentDumps(
            recorder: FlightRecorder(
                configuration: FlightRecorder.Configuration(
                    retainNanoseconds: settings.retain.nanoseconds, memoryLimitBytes: settings.retainMemory.bytes,
                    loadedShare: options.loadedShare),
                startNanoseconds: start),
            clock: clock, host: host, hook: tracer.hook, filters: options.filters)
        var disks = DiskStats.read()
        dumps.recorder.withLock {
            $0.record(disks)
            $0.record(FlightRecorder.CounterSample(nanoseconds: start, counters: KernelCounters(), deviceReads: [:]))
        }
        state.dumps.withLock { $0 = dumps }
        state.health.withLock { $0 = .attached }
        var attached: Logger.Metadata = [
            "hook": "\(tracer.hook.rawValue)", "retain": "\(settings.retain)",
            "retain_memory": "\(settings.retainMemory)", "bytes_per_event": "\(FlightRecorder.bytesPerEvent)",
        ]
        if !tracer.refusedHooks.isEmpty {
            attached["refused"] = "\(tracer.refusedHooks.map(KernelWording.sentence).joined(separator: "; "))"
        }
        logger.info("attached", metadata: attached)
        for limitation in tracer.limitations {
            logger.notice("limitation", metadata: ["note": "\(KernelWording.sentence(for: limitation))"])
        }
        if !selectsInKernel(tracer) {
            logger.notice(
                "limitation",
                metadata: [
                    "note":
                        "every read is sent to user space: the kernel selects files by name suffix (--path '*SUFFIX' globs, up to \(SuffixSelection.maxSuffixes) of at most \(SuffixSelection.maxLength) bytes) with the read hooks other than light"
                ])
        }

        let events = EventLoop(descriptors: [tracer.pollDescriptor, signals.readEnd])
        var nextTick = start + Self.tickNanoseconds
        var nextSweep = start + sweepNanoseconds
        var backlog = false
        var folded: UInt64 = 0
        var unselected = UnselectedReads()
        while true {
            let now = Clock.monotonicNanoseconds()
            let wakeAt = backlog ? now : min(nextTick, now + KernelTracer.drainIntervalNanoseconds)
            try events.wait(timeoutNanoseconds: wakeAt > now ? wakeAt - now : 0)
            var finished: [FinishedLoad] = []
            backlog = try dumps.recorder.withLock { recorder in
                try session.drain(tracer, until: min(nextTick, Clock.monotonicNanoseconds() + 200_000_000)) { event in
                    switch event {
                    case .process(let record):
                        let process = namers.describe(record)
                        readMetrics.note(process)
                        recorder.note(process)
                    case .file(let record):
                        let file = namers.locate(record)
                        readMetrics.note(file)
                        recorder.note(file)
                    default:
                        if let load = readMetrics.record(event, into: collectors.series) { finished.append(load) }
                        recorder.record(event)
                    }
                }
            }
            for load in finished { judge(load, trigger: &trigger, metrics: readMetrics, dumps: dumps) }
            for delivery in signals.take() {
                if Self.stopSignals.contains(delivery.signal) {
                    logger.info("stopping", metadata: ["signal": "\(delivery.signal)"])
                    return nil
                }
                if delivery.signal == SIGUSR1 { write(dumps.dumpRetained(), kind: "sigusr1", file: nil) }
            }
            let afterWait = Clock.monotonicNanoseconds()
            guard afterWait >= nextTick else { continue }
            nextTick = max(nextTick + Self.tickNanoseconds, afterWait + 1)
            let sample = DiskStats.read()
            collectors.devices.update(from: disks, to: sample)
            disks = sample
            let counters = try tracer.counters()
            let deviceReads = tracer.deviceReads()
            unselected.fold(tracer, into: &readMetrics, sink: collectors.series)
            let (retainedBytes, evicted) = dumps.recorder.withLock { recorder in
                recorder.record(sample)
                recorder.record(FlightRecorder.CounterSample(nanoseconds: afterWait, counters: counters, deviceReads: deviceReads))
                if afterWait >= nextSweep { recorder.expire(now: afterWait, isAlive: ProcFS.processExists) }
                return (recorder.retainedBytes, recorder.evictedEvents)
            }
            if afterWait >= nextSweep {
                nextSweep = afterWait + sweepNanoseconds
                readMetrics.sweep(now: afterWait, isAlive: ProcFS.processExists, sink: collectors.series)
                readMetrics.trimFiles()
            }
            if readMetrics.foldedSeries > folded {
                logger.warning(
                    "series folded", metadata: ["max_series": "\(settings.maxSeries)", "folded_total": "\(readMetrics.foldedSeries)"])
                folded = readMetrics.foldedSeries
            }
            collectors.health.update(
                counters: counters, seriesCount: readMetrics.seriesCount, foldedSeries: readMetrics.foldedSeries,
                retainedBytes: retainedBytes, droppedEvents: evicted)
        }
    }

    /// Whether the kernel decides which files' reads reach user space: a suffix selection, and
    /// a hook that times calls (the light hook sends every read it sees).
    private func selectsInKernel(_ tracer: KernelTracer) -> Bool {
        SuffixSelection(globs: options.paths) != nil && tracer.hook != .light
    }

    /// A finished load against the triggers: a dump of the window around it, or a line saying
    /// why not.
    private func judge(_ load: FinishedLoad, trigger: inout LoadTrigger, metrics: ReadMetrics, dumps: AgentDumps) {
        guard trigger.isArmed else { return }
        let now = Clock.monotonicNanoseconds()
        guard let firing = trigger.judge(load, now: now, loadsInProgressSince: metrics.earliestLoadInProgressStart) else { return }
        let fields: Logger.Metadata = [
            "file": "\(load.path)", "pid": "\(load.pid)", "comm": "\(load.comm)", "bytes": "\(load.bytes)",
            "seconds": "\(DumpDocument.rounded(load.durationSeconds, decimals: 3))", "reason": "\(firing.reason)",
        ]
        guard firing.writesDump else {
            logger.notice("trigger fired, no dump (one per 5 minutes)", metadata: fields)
            return
        }
        logger.notice("trigger fired", metadata: fields)
        write(dumps.dump(from: firing.windowStartNanoseconds, to: now), kind: "slow", file: load.path)
    }

    /// Writes a dump into --dump-dir, atomically; logs where, or why not.
    private func write(_ dump: AgentServer.Dump, kind: String, file: String?) {
        guard let directory = settings.dumpDirectory else {
            logger.warning("no dump written: no --dump-dir", metadata: ["kind": "\(kind)"])
            return
        }
        let path = directory + "/" + Self.dumpName(start: dump.start, kind: kind, file: file)
        do {
            try AtomicFile.write(dump.bytes, to: path)
            logger.notice(
                "dump written", metadata: ["path": "\(path)", "kind": "\(kind)", "from": "\(dump.start)", "bytes": "\(dump.bytes.count)"])
        } catch {
            logger.error("dump not written", metadata: ["path": "\(path)", "reason": "\(error)"])
        }
    }

    /// "readtrace-20261202T081500.123Z-slow-model.engine.json": when, why, and which file, in
    /// characters any filesystem and shell take.
    static func dumpName(start: String, kind: String, file: String?) -> String {
        let time = start.filter { $0 != "-" && $0 != ":" }
        let base = file.map { path in
            let name = path.split(separator: "/").last ?? "file"
            let safe = name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") ? $0 : "_" }
            return String(safe.prefix(80))
        }
        return "readtrace-\(time)-\(kind)\(base.map { "-" + $0 } ?? "")-\(Clock.monotonicNanoseconds() % 1_000_000).json"
    }
}

/// The HTTP server running on its own task while the event loop has the main thread.
private final class RunningServer {
    let port: Int
    private let task: Task<Void, Never>
    private let finished = DispatchSemaphore(value: 0)

    /// Returns once the server listens; throws when it cannot (the address is taken).
    init(_ server: AgentServer) throws {
        let ready = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let finished = finished
        task = Task {
            do {
                try await server.run { port in
                    outcome.settle(.success(port))
                    ready.signal()
                }
                outcome.settle(.failure(ReadTraceError("the server stopped")))
            } catch {
                outcome.settle(.failure(error))
            }
            ready.signal()
            finished.signal()
        }
        ready.wait()
        switch outcome.result.withLock({ $0 }) {
        case .success(let port)?: self.port = port
        case .failure(let error)?: throw ReadTraceError("--listen \(server.host):\(server.port): \(error)")
        case nil: throw ReadTraceError("--listen \(server.host):\(server.port): the server did not start")
        }
    }

    /// How starting ended: the bound port, or why not; the first word stands.
    private final class Outcome: Sendable {
        let result = Mutex<Result<Int, any Error>?>(nil)

        func settle(_ outcome: Result<Int, any Error>) { result.withLock { if $0 == nil { $0 = outcome } } }
    }

    func stop() {
        task.cancel()
        _ = finished.wait(timeout: .now() + 2)
    }
}
