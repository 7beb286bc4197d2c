#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A run as Chrome trace-event JSON (the format Perfetto UI and chrome://tracing load): a
/// track per process with a slice per file load (the files the load rule counts, as the
/// timeline draws them), a bytes/s counter per process, and a %util
/// counter per device on a "block devices" track.
public struct TraceEventsDocument: Encodable, Sendable {
    public enum Value: Encodable, Sendable, Equatable {
        case text(String)
        case number(Double)

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            }
        }
    }

    /// The trace-event format's phases that readtrace writes.
    public enum Phase: String, Encodable, Sendable {
        /// A slice with its duration.
        case complete = "X"
        /// A counter sample.
        case counter = "C"
        /// Metadata naming a track.
        case metadata = "M"
        /// A moment (a probe hit).
        case instant = "i"
    }

    public struct Event: Encodable, Sendable, Equatable {
        public var name: String
        public var category: String?
        public var phase: Phase
        /// Microseconds from the start of the run.
        public var timestamp: Double?
        public var duration: Double?
        public var pid: Int32
        public var tid: Int?
        public var args: [String: Value]

        enum CodingKeys: String, CodingKey {
            case name, pid, tid, args
            case category = "cat"
            case phase = "ph"
            case timestamp = "ts"
            case duration = "dur"
        }
    }

    public var traceEvents: [Event]
    public var displayTimeUnit = "ms"
    public var otherData: [String: String]

    /// Devices get a track of their own, under a pid no process has.
    static let devicesPid: Int32 = 0

    public init(_ dump: DumpDocument, rule: LoadRule = LoadRule()) {
        var events: [Event] = []
        let loads = dump.loads(countedBy: rule)
        // A merged dump's hosts reuse pids: each host's tracks get pids of their own, above any
        // pid the kernel gives (pid_max is at most 2^22).
        let hosts = Dictionary((dump.mergedFrom ?? []).enumerated().map { ($1.label, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        func track(_ key: DumpDocument.ProcessKey) -> Int32 { key.pid + (key.host.flatMap { hosts[$0] } ?? 0) * (1 << 22) }
        let byProcess = Dictionary(grouping: loads) { DumpDocument.ProcessKey(host: $0.host, pid: $0.read.pid) }
        for (key, processLoads) in byProcess.sorted(by: { track($0.key) < track($1.key) }) {
            let process = processLoads.first?.process
            let pid = track(key)
            var name = (key.host.map { $0 + " " } ?? "") + "\(process?.comm ?? "?") \(key.pid)"
            if let label = process?.identity.label() { name += " " + label }
            events.append(Event(name: "process_name", phase: .metadata, pid: pid, args: ["name": .text(name)]))
            var rates: [Double: [String: Value]] = [:]
            for load in processLoads {
                let file = load.file?.path ?? "file \(load.read.fileID)"
                events.append(Event(name: "thread_name", phase: .metadata, pid: pid, tid: load.read.fileID, args: ["name": .text(file)]))
                events.append(
                    Event(
                        name: file, category: "load", phase: .complete, timestamp: Self.microseconds(load.read.firstReadSeconds),
                        duration: Self.microseconds(load.endSeconds - load.read.firstReadSeconds), pid: pid,
                        tid: load.read.fileID,
                        args: [
                            "bytes": .number(Double(load.bytes)),
                            "cache_miss_bytes": .number(Double(load.read.cacheMissBytes + load.read.mmapFaultBytes)),
                            "block_read_bytes": .number(Double(load.read.blockReadBytes)),
                            "throughput_mib_s": .number(load.read.throughputMiBPerSecond),
                            "loaded": .text(load.read.loadSeconds == nil ? "no" : "yes"),
                        ]))
                let series = load.read.timeline
                for (bucket, bytes) in series.readBytes.enumerated() {
                    rates[Double(bucket) * series.bucketSeconds, default: [:]][file] = .number(Double(bytes) / series.bucketSeconds)
                }
            }
            for (seconds, values) in rates.sorted(by: { $0.key < $1.key }) {
                events.append(Event(name: "bytes/s", phase: .counter, timestamp: Self.microseconds(seconds), pid: pid, args: values))
            }
        }
        // Marked phases go on their process's track (a merged dump's: its host's).
        let named = Set(byProcess.keys)
        events += Self.phaseEvents(dump, track: track) { key in
            guard !named.contains(key) else { return nil }
            let process = dump.processes.first { $0.pid == key.pid && $0.host == key.host }
            var name = (key.host.map { $0 + " " } ?? "") + "\(process?.comm ?? "?") \(key.pid)"
            if let label = process.map(\.identity)?.label() { name += " " + label }
            return Event(name: "process_name", phase: .metadata, pid: track(key), args: ["name": .text(name)])
        }
        if !dump.devices.isEmpty {
            events.append(Event(name: "process_name", phase: .metadata, pid: Self.devicesPid, args: ["name": .text("block devices")]))
        }
        for device in dump.devices {
            var start = 0.0
            for sample in device.samples {
                // A sample describes the interval that ends at its time: the counter holds it from the interval's start.
                events.append(
                    Event(
                        name: "\(device.name) %util", phase: .counter, timestamp: Self.microseconds(start), pid: Self.devicesPid,
                        args: ["util_pct": .number(sample.utilizationPercent)]))
                start = sample.seconds
            }
        }
        traceEvents = events
        otherData = [
            "tool": "readtrace \(dump.toolVersion)", "host": dump.host.hostname, "kernel": dump.host.kernel,
            "started_at": dump.startedAt, "hook": dump.hook.rawValue,
        ]
    }

    /// Marked phases get a track per marker in their process, past any file id.
    static let phaseTrackBase = 1 << 30

    /// A slice per marked call (an instant for a probe hit) on its marker's track in its
    /// process's (`track`); `naming` names a process that has no loads.
    static func phaseEvents(
        _ dump: DumpDocument, track: (DumpDocument.ProcessKey) -> Int32, naming: (DumpDocument.ProcessKey) -> Event?
    ) -> [Event] {
        guard let marks = dump.marks, !marks.isEmpty else { return [] }
        let order = Dictionary((dump.markers ?? []).enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var events: [Event] = []
        let byProcess = Dictionary(grouping: marks) { DumpDocument.ProcessKey(host: $0.host, pid: $0.pid) }
        for (key, spans) in byProcess.sorted(by: { track($0.key) < track($1.key) }) {
            let pid = track(key)
            if let name = naming(key) { events.append(name) }
            for (name, index) in order.sorted(by: { $0.value < $1.value }) where spans.contains(where: { $0.name == name }) {
                events.append(
                    Event(
                        name: "thread_name", phase: .metadata, pid: pid, tid: phaseTrackBase + index, args: ["name": .text("phase " + name)]
                    ))
            }
            for span in spans {
                var args: [String: Value] = ["tid": .number(Double(span.tid))]
                if let bytes = span.bytes { args["bytes"] = .number(Double(bytes)) }
                events.append(
                    Event(
                        name: span.name, category: "phase", phase: span.durationSeconds > 0 ? .complete : .instant,
                        timestamp: microseconds(span.startSeconds),
                        duration: span.durationSeconds > 0 ? microseconds(span.durationSeconds) : nil,
                        pid: pid, tid: phaseTrackBase + (order[span.name] ?? 0), args: args))
            }
        }
        return events
    }

    static func microseconds(_ seconds: Double) -> Double { (max(seconds, 0) * 1e6).rounded() }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
    }
}
