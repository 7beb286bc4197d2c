import Foundation
import Testing

/// A running `readtrace agent` on a free loopback port, found from its "listening" log line.
final class RunningAgent {
    let running: RunningProcess
    let port: Int

    /// `declared` are the agent's own arguments (the DaemonSet's, say) but for its address:
    /// it listens on a free loopback port. `launcher` runs it (in a sandbox, as another user).
    init(
        _ arguments: [String], waitForAttach: Bool = true, binary: String = Paths.readtrace, launcher: [String] = [],
        declared: [String] = ["agent"]
    ) throws {
        let command = launcher + [binary] + declared.filter { !$0.hasPrefix("--listen") } + ["--listen", "127.0.0.1:0"] + arguments
        let agent = try RunningProcess(command[0], Array(command.dropFirst()))
        running = agent
        let listening = agent.wait { agent.standardError.contains("msg=listening") }
        try #require(listening, "the agent did not listen: \(agent.standardError)")
        let line = try #require(agent.standardError.firstMatch(of: /msg=listening address=127\.0\.0\.1:([0-9]+)/))
        port = try #require(Int(line.1))
        if waitForAttach {
            let attached = agent.wait { agent.standardError.contains("msg=attached") }
            try #require(attached, "the agent did not attach: \(agent.standardError)")
        }
    }

    deinit { if running.process.isRunning { kill(running.pid, SIGKILL) } }

    /// GET over loopback with curl: the status, the body and the response headers.
    func get(_ path: String, accept: String? = nil) throws -> (status: Int, body: String, headers: String) {
        try HTTP.get("http://127.0.0.1:\(port)\(path)", accept: accept)
    }

    /// The agent's own pid: the launcher's last descendant, since one that gives it a pid
    /// namespace forks it (and does not pass signals on).
    var pid: Int32 {
        var pid = running.pid
        while let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8),
            let child = children.split(separator: " ").first.flatMap({ Int32($0) })
        {
            pid = child
        }
        return pid
    }

    /// Stops the agent with `signal`; its exit status and log.
    func stop(with signal: Int32 = SIGTERM) -> Finished {
        kill(pid, signal)
        return running.finish(timeout: 20)
    }
}

enum HTTP {
    static func get(_ url: String, accept: String? = nil) throws -> (status: Int, body: String, headers: String) {
        let base = "/var/tmp/readtrace-test-http-\(UUID().uuidString.prefix(8))"
        defer { for suffix in [".body", ".headers"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
        let curl = try RunningProcess(
            "/usr/bin/curl",
            ["-s", "-g", "-o", base + ".body", "-D", base + ".headers", "-w", "%{http_code}", "--max-time", "20"]
                + (accept.map { ["-H", "Accept: \($0)"] } ?? []) + [url]
        ).finish()
        let status = Int(curl.standardOutput) ?? 0
        return (
            status, (try? String(contentsOfFile: base + ".body", encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: base + ".headers", encoding: .utf8)) ?? ""
        )
    }

    /// The value of a sample line `name{labels} value` in an exposition, nil when absent.
    static func sample(_ exposition: String, _ name: String, containing fragments: [String]) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            if fragments.allSatisfy({ line.contains($0) }), let value = line.split(separator: " ").last.flatMap({ Double($0) }) {
                return value
            }
        }
        return nil
    }
}

/// A pod's cgroup and, in a scratch /var/log/pods, its log directory (namespace_pod_uid).
final class LoggedPod {
    let cgroup = PodCgroup()
    let root: String
    let logDirectory: String

    init(namespace: String, name: String, podsLog: String) throws {
        root = TestCgroup.mountPoint + "/readtrace-agent-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        try cgroup.create(under: root)
        logDirectory = podsLog + "/\(namespace)_\(name)_\(cgroup.uid)"
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
    }

    deinit {
        cgroup.remove()
        rmdir(root)
    }
}

@Suite("readtrace agent", .serialized, .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct AgentTests {
    @Test(
        "/metrics counts a known reader exactly under its pod; promtool accepts it; a real Prometheus scrapes it; every endpoint answers"
    )
    func metrics() throws {
        let scratch = try ScratchDirectory()
        let podsLog = scratch.path + "/pods"
        let pod = try LoggedPod(namespace: "inference", name: "engine-loader-0", podsLog: podsLog)
        let size = 3 << 20
        let chunk = 65536
        let engine = try scratch.file("model.engine", size: size)
        // Programs of readtrace runs left elsewhere on the machine are not this agent's.
        let before = try attachedReadtracePrograms()
        let agent = try RunningAgent(["--comm", "agentreader", "--pods-log-dir", podsLog])

        #expect(try agent.get("/healthz").status == 200)
        let index = try agent.get("/")
        #expect(index.status == 200 && index.body.contains("/metrics") && index.body.contains("/dump?last=10m"))
        #expect(try agent.get("/nothing-here").status == 404)

        let reader = try RunningProcess(Paths.workload, ["--file", engine, "--chunk", "\(chunk)", "--name", "agentreader", "--wait-stdin"])
        try pod.cgroup.move(reader.pid)
        reader.sendLine()
        let done = reader.finish()
        try #require(done.status == 0, "\(done.standardError)")
        let calls = try #require(done.standardOutput.firstMatch(of: /calls=([0-9]+)/).flatMap { Int($0.1) })

        let labels = [
            #"namespace="inference""#, #"pod="engine-loader-0""#, #"pod_uid="\#(pod.cgroup.uid)""#,
            #"container_id="\#(pod.cgroup.containerID)""#, #"comm="agentreader""#, #"file="\#(engine)""#,
        ]
        var exposition = ""
        let counted = agent.running.wait(upTo: 10) {
            exposition = (try? agent.get("/metrics").body) ?? ""
            // The self-health gauges follow once a second.
            return HTTP.sample(exposition, "readtrace_read_bytes_total", containing: labels) == Double(size)
                && (HTTP.sample(exposition, "readtrace_series", containing: []) ?? 0) > 0
        }
        #expect(counted, "\(exposition.split(separator: "\n").filter { $0.contains("read_bytes_total") })")
        #expect(HTTP.sample(exposition, "readtrace_read_calls_total", containing: labels) == Double(calls))
        #expect(HTTP.sample(exposition, "readtrace_read_errors_total", containing: labels) == nil, "no errors, no series")
        #expect(HTTP.sample(exposition, "readtrace_file_loads_total", containing: labels) == 1)
        #expect(HTTP.sample(exposition, "readtrace_read_latency_seconds_count", containing: labels) == Double(calls))
        #expect(HTTP.sample(exposition, "readtrace_file_load_duration_seconds_count", containing: labels) == 1)
        #expect(HTTP.sample(exposition, "readtrace_loads_in_progress", containing: labels) == 0)
        #expect(HTTP.sample(exposition, "readtrace_lost_events_total", containing: []) == 0)
        // The reader's file, and perhaps a library its pages fault in from (file="other").
        #expect((1...2).contains(HTTP.sample(exposition, "readtrace_series", containing: []) ?? 0))
        #expect(HTTP.sample(exposition, "readtrace_build_info", containing: [#"hook=""#, #"kernel=""#]) == 1)
        #expect(exposition.split(separator: "\n").allSatisfy { $0.hasPrefix("# ") || $0.hasPrefix("readtrace_") })

        // The exposition as a linter reads it.
        let expositionPath = scratch.path + "/metrics.txt"
        try exposition.write(toFile: expositionPath, atomically: true, encoding: .utf8)
        let promtool = try RunningProcess("/bin/sh", ["-c", "/usr/bin/promtool check metrics < \(expositionPath)"]).finish()
        #expect(promtool.status == 0, "\(promtool.standardOutput)\(promtool.standardError)")
        // OpenMetrics is not offered by swift-prometheus: asked for it, the agent answers in the text format.
        let asked = try agent.get("/metrics", accept: "application/openmetrics-text; version=1.0.0")
        #expect(asked.headers.lowercased().contains("content-type: text/plain; version=0.0.4"))

        try scrapeWithPrometheus(agentPort: agent.port, in: scratch, expect: size, pod: "engine-loader-0")

        let stopped = agent.stop()
        #expect(stopped.status == 0, "\(stopped.standardError)")
        #expect(stopped.standardError.contains("msg=stopped probes=detached"))
        #expect(try attachedReadtracePrograms() == before)
        for line in stopped.standardError.split(separator: "\n") {
            #expect(line.hasPrefix("time=") && line.contains(" level=") && line.contains(" msg="), "not logfmt: \(line)")
        }
    }

    /// Debian's Prometheus scrapes the agent; PromQL over its HTTP API returns the reader's
    /// bytes for its pod.
    func scrapeWithPrometheus(agentPort: Int, in scratch: ScratchDirectory, expect bytes: Int, pod: String) throws {
        let prometheus = try PrometheusServer(scraping: agentPort, in: scratch)
        let query = "sum(readtrace_read_bytes_total{pod=\"\(pod)\",namespace=\"inference\"})"
        #expect(try prometheus.waitForValue(query) == Double(bytes), "PromQL \(query): \(prometheus.log)")
    }

    @Test(
        "/dump of a past window agrees with a live readtrace --json over the same reads; SIGUSR1 and a trigger write dumps; bad requests get 400"
    )
    func flightRecorder() throws {
        let scratch = try ScratchDirectory()
        let dumps = scratch.path + "/dumps"
        try FileManager.default.createDirectory(atPath: dumps, withIntermediateDirectories: true)
        let filesystem = try LoopFilesystem(sizeMiB: 128, in: scratch)
        let files = try ["a", "b"].map { try filesystem.file("recorder-\($0).safetensors", size: 16 << 20) }
        // Every load is slower than 1 TiB/s: the first fires the trigger, the second is logged only.
        let before = try attachedReadtracePrograms()
        let agent = try RunningAgent(["--comm", "agentrec", "--dump-dir", dumps, "--dump-when-load-slower-than", "1048576MiB/s"])
        let live = try Trace(["--comm", "agentrec", "--quiet"], in: scratch)
        let readers = try files.map {
            try RunningProcess(Paths.workload, ["--file", $0, "--chunk", "1048576", "--drop-cache", "--name", "agentrec", "--wait-stdin"])
        }
        for reader in readers { reader.sendLine() }
        #expect(readers.map { $0.finish().status } == [0, 0])
        usleep(300_000)
        let session = try live.stop()

        // The live session's own window, asked of the agent afterwards.
        let startedAt = try #require(session.root["started_at"] as? String)
        let duration = try #require(session.root["duration_s"] as? Double)
        let from = try #require(ISO8601DateFormatter.fractional.date(from: startedAt))
        let to = ISO8601DateFormatter.fractional.string(from: from.addingTimeInterval(duration))
        let answer = try agent.get("/dump?from=\(startedAt)&to=\(to)")
        #expect(answer.status == 200)
        let windowPath = scratch.path + "/window.json"
        try answer.body.write(toFile: windowPath, atomically: true, encoding: .utf8)
        let window = try Dump(path: windowPath)
        #expect(window.root["started_at"] as? String == startedAt)
        for (reader, file) in zip(readers, files) {
            let mine = try #require(window.read(pid: reader.pid, path: file), "\(window.reads)")
            let theirs = try #require(session.read(pid: reader.pid, path: file))
            for key in ["read_bytes", "read_calls", "block_read_bytes", "cache_miss_bytes"] {
                #expect(mine.int(key) == theirs.int(key), "\(key): agent \(mine[key] ?? "-"), live \(theirs[key] ?? "-")")
            }
            #expect(mine.int("read_bytes") == 16 << 20)
            #expect((mine.int("block_read_bytes") ?? 0) > 0, "the reads reached the loop device")
            try Self.expectTimelinesAgree(mine, theirs)
        }
        let report = try RunningProcess(Paths.readtrace, ["report", windowPath, "--width", "120"]).finish()
        #expect(report.status == 0, "\(report.standardError)")

        // A window reaching back before anything was retained gets what there is, and says where it starts.
        let early = try agent.get("/dump?last=24h")
        #expect(early.status == 200 && early.headers.contains("X-Readtrace-Window-Truncated: retention"), "\(early.headers)")
        let earlyStart = try #require(early.headers.firstMatch(of: /X-Readtrace-Window-Start: (\S+)/).map { String($0.1) })
        #expect(early.body.contains("\"started_at\":\"\(earlyStart)\""))
        for (path, reason) in [
            ("/dump", "no window"), ("/dump?last=soon", "last=soon"), ("/dump?from=2026-13-01T00:00:00Z", "not an RFC 3339 time"),
            ("/dump?last=1m&from=2026-12-01T00:00:00Z", "cannot be combined"), ("/dump?colour=blue", "unknown parameter"),
        ] {
            let refused = try agent.get(path)
            #expect(
                refused.status == 400 && refused.body.contains(reason) && refused.body.split(separator: "\n").count == 1,
                "\(path): \(refused)")
        }
        #expect(try agent.get("/healthz").status == 200, "bad requests do not hurt the agent")

        // The trigger: one dump naming the slow file, then one per five minutes (logged).
        let fired = agent.running.wait(upTo: 10) { agent.running.standardError.contains("msg=\"trigger fired, no dump") }
        #expect(fired, "\(agent.running.standardError)")
        let triggered = try FileManager.default.contentsOfDirectory(atPath: dumps).filter { $0.contains("-slow-") }
        #expect(triggered.count == 1, "\(triggered)")
        let slowFile = try #require(triggered.first)
        #expect(files.contains { slowFile.contains(($0 as NSString).lastPathComponent) })
        let trigger = try Dump(path: dumps + "/" + slowFile)
        #expect(trigger.reads.contains { $0.int("read_bytes") == 16 << 20 })

        kill(agent.running.pid, SIGUSR1)
        let written = agent.running.wait(upTo: 10) { agent.running.standardError.contains("kind=sigusr1") }
        #expect(written, "\(agent.running.standardError)")
        let retained = try #require(try FileManager.default.contentsOfDirectory(atPath: dumps).first { $0.contains("-sigusr1") })
        let whole = try Dump(path: dumps + "/" + retained)
        for (reader, file) in zip(readers, files) { #expect(whole.read(pid: reader.pid, path: file)?.int("read_bytes") == 16 << 20) }

        let stopped = agent.stop(with: SIGINT)
        #expect(stopped.status == 0, "\(stopped.standardError)")
        #expect(try attachedReadtracePrograms() == before)
    }

    /// Timelines drawn with the same buckets agree within one bucket: the cumulative bytes of
    /// one never lag or lead the other's by more than a bucket.
    static func expectTimelinesAgree(_ mine: [String: Any], _ theirs: [String: Any]) throws {
        let a = try #require(mine["timeline"] as? [String: Any])
        let b = try #require(theirs["timeline"] as? [String: Any])
        #expect(a["bucket_s"] as? Double == b["bucket_s"] as? Double)
        let first = (a["read_bytes"] as? [Int] ?? []).reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1) }
        let second = (b["read_bytes"] as? [Int] ?? []).reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1) }
        #expect(first.last == second.last)
        for index in first.indices {
            let low = second[safe: index - 1] ?? 0
            let high = second[safe: index + 1] ?? second.last ?? 0
            #expect(first[index] >= low && first[index] <= high, "bucket \(index): \(first) against \(second)")
        }
    }

    @Test("an unselected file's reads are counted exactly in the kernel under file=\"other\", and send no records")
    func unselectedFile() throws {
        let scratch = try ScratchDirectory()
        let size = 4 << 20
        let data = try scratch.file("corpus.dat", size: size)
        let agent = try RunningAgent(["--comm", "agentother"])
        let reader = try RunningProcess(
            Paths.workload, ["--file", data, "--chunk", "4096", "--failing-reads", "3", "--name", "agentother", "--wait-stdin"])
        let other = [#"comm="agentother""#, #"file="other""#]
        func sample(_ name: String, _ labels: [String]) throws -> Double {
            HTTP.sample(try agent.get("/metrics").body, name, containing: labels) ?? 0
        }
        // Whatever the reader read before it waits (nothing once named, but the agent counts it
        // once a second), then its reads of the file.
        Thread.sleep(forTimeInterval: 1.5)
        let bytesBefore = try sample("readtrace_read_bytes_total", other)
        let callsBefore = try sample("readtrace_read_calls_total", other)
        let eventsBefore = try sample("readtrace_events_total", [])
        reader.sendLine()
        let done = reader.finish()
        try #require(done.status == 0, "\(done.standardError)")
        let calls = try #require(done.standardOutput.firstMatch(of: /calls=([0-9]+)/).flatMap { Double($0.1) })
        let failed = try #require(done.standardOutput.firstMatch(of: /failed_calls=([0-9]+)/).flatMap { Double($0.1) })
        #expect(failed == 3)
        var bytes = 0.0
        let counted = agent.running.wait(upTo: 10) {
            bytes = (try? sample("readtrace_read_bytes_total", other)) ?? 0
            return bytes - bytesBefore >= Double(size)
        }
        #expect(counted, "other bytes \(bytes - bytesBefore) of \(size)")
        let exposition = try agent.get("/metrics").body
        #expect(HTTP.sample(exposition, "readtrace_read_bytes_total", containing: other).map { $0 - bytesBefore } == Double(size))
        #expect(HTTP.sample(exposition, "readtrace_read_calls_total", containing: other).map { $0 - callsBefore } == calls)
        #expect(HTTP.sample(exposition, "readtrace_read_errors_total", containing: other) == failed)
        // Counted, not sent: no read was timed, and the kernel sent far fewer records than reads
        // (the file's and the process's names, pages the reader's own code maps).
        #expect(HTTP.sample(exposition, "readtrace_read_latency_seconds_count", containing: other) == nil)
        let events = (HTTP.sample(exposition, "readtrace_events_total", containing: []) ?? 0) - eventsBefore
        #expect(events < calls / 8, "\(events) records for \(calls) reads")
        #expect(HTTP.sample(exposition, "readtrace_lost_events_total", containing: []) == 0)
        #expect(!exposition.contains(data), "an unselected file is never named in a label")
        let stopped = agent.stop()
        #expect(stopped.status == 0, "\(stopped.standardError)")
    }

    @Test("1,000 pods' cgroups created, read from and removed: each pod gets its series, and the count returns to its floor")
    func churn() throws {
        let scratch = try ScratchDirectory()
        let engine = try scratch.file("churn.engine", size: 4096)
        let name = "readtrace-agent-churn-\(UUID().uuidString.prefix(8))"
        let root = TestCgroup.mountPoint + "/" + name
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        let agent = try RunningAgent(["--cgroup", "/" + name, "--forget-after", "2s"])
        // Each pod: its cgroups (systemd driver names) and one cat moved in before it reads the
        // engine file; then it waits on a FIFO, so that all 1,000 are alive at once, until told to go.
        let script = """
            set -e
            base=\(root)/kubepods.slice/kubepods-besteffort.slice
            mkdir -p $base
            mkfifo \(scratch.path)/hold
            exec 3<>\(scratch.path)/hold
            for i in $(seq 1000 1999); do
              scope=$base/kubepods-besteffort-pod$(printf '%08x_0000_0000_0000_%012x' $i $i).slice/cri-containerd-$(printf '%064x' $i).scope
              mkdir -p $scope
              (exec 3>&-; echo $BASHPID > $scope/cgroup.procs; exec cat \(engine) - < \(scratch.path)/hold > /dev/null) &
            done
            echo spawned
            read go
            exec 3>&-
            wait
            for pod in $base/*.slice; do rmdir $pod/*.scope $pod; done
            rmdir $base \(root)/kubepods.slice
            """
        defer { rmdir(root) }
        let churn = try RunningProcess("/bin/bash", ["-c", script])
        #expect(churn.wait(upTo: 60) { churn.standardOutput.contains("spawned") }, "\(churn.standardError)")
        // Every pod has its engine file's series (and one for the libraries its loader reads, file="other").
        var exposition = ""
        var engineSeries = 0
        let peaked = agent.running.wait(upTo: 20) {
            exposition = (try? agent.get("/metrics").body) ?? ""
            engineSeries =
                exposition.split(separator: "\n").filter {
                    $0.hasPrefix("readtrace_read_bytes_total{") && $0.contains("file=\"\(engine)\"") && $0.hasSuffix(" 4096")
                }.count
            return engineSeries == 1000 && (HTTP.sample(exposition, "readtrace_series", containing: []) ?? 0) >= 1000
        }
        #expect(peaked, "engine series \(engineSeries); series: \(HTTP.sample(exposition, "readtrace_series", containing: []) ?? -1)")
        #expect(HTTP.sample(exposition, "readtrace_series_folded_total", containing: []) == 0)
        churn.sendLine()
        let finished = churn.finish(timeout: 60)
        #expect(finished.status == 0, "\(finished.standardError)")
        let floor = agent.running.wait(upTo: 20) {
            exposition = (try? agent.get("/metrics").body) ?? ""
            return HTTP.sample(exposition, "readtrace_series", containing: []) == 0
        }
        #expect(floor, "series: \(HTTP.sample(exposition, "readtrace_series", containing: []) ?? -1)")
        #expect(!exposition.contains("readtrace_read_bytes_total{"), "the gone pods' series are removed")
        let stopped = agent.stop()
        #expect(stopped.status == 0, "\(stopped.standardError)")
    }

    @Test("/healthz answers 503 with the reason when the kernel side fails, until the agent is stopped")
    func kernelFailure() throws {
        let report = try #require(KernelFeatureReport.current)
        let refused = try #require(
            ["fentry", "kprobe"].first { report.features[$0]?.supported == false },
            "this test needs a hook the kernel refuses (fentry or kprobe)")
        let before = try attachedReadtracePrograms()
        let agent = try RunningAgent(["--hook", refused], waitForAttach: false)
        let failed = agent.running.wait(upTo: 10) { agent.running.standardError.contains("msg=\"kernel side failed\"") }
        #expect(failed, "\(agent.running.standardError)")
        let health = try agent.get("/healthz")
        #expect(health.status == 503 && health.body.hasPrefix("failed: "), "\(health)")
        #expect(try attachedReadtracePrograms() == before, "nothing stays attached after a failure")
        let stopped = agent.stop()
        #expect(stopped.status == 1)
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension ISO8601DateFormatter {
    /// The dump's started_at: milliseconds, Z.
    fileprivate static var fractional: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}

/// Debian's Prometheus on a free loopback port, scraping one agent every second.
final class PrometheusServer {
    private let process: RunningProcess
    let port = Int.random(in: 20000...29999)
    var log: String { String(process.standardError.suffix(600)) }

    init(scraping agentPort: Int, in scratch: ScratchDirectory) throws {
        let config = scratch.path + "/prometheus.yml"
        try """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: readtrace
            static_configs:
              - targets: ['127.0.0.1:\(agentPort)']
        """.write(toFile: config, atomically: true, encoding: .utf8)
        process = try RunningProcess(
            "/usr/bin/prometheus",
            [
                "--config.file=\(config)", "--storage.tsdb.path=\(scratch.path)/tsdb", "--web.listen-address=127.0.0.1:\(port)",
            ])
    }

    deinit {
        kill(process.pid, SIGTERM)
        process.finish(timeout: 10)
    }

    /// An instant query over the HTTP API.
    func query(_ promql: String) throws -> (status: Int, body: String, headers: String) {
        try HTTP.get("http://127.0.0.1:\(port)/api/v1/query?query=" + promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
    }

    /// The first sample's value once the query returns one (scrapes take a moment), nil after `seconds`.
    func waitForValue(_ promql: String, upTo seconds: Double = 40) throws -> Double? {
        var value: Double?
        _ = process.wait(upTo: seconds) {
            let body = (try? query(promql).body) ?? ""
            let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
            let result = (json?["data"] as? [String: Any])?["result"] as? [[String: Any]]
            value = ((result?.first?["value"] as? [Any])?.last as? String).flatMap(Double.init)
            if value == nil { usleep(250_000) }
            return value != nil
        }
        return value
    }
}
