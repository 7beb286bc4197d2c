import Foundation
import Logging
import ReadTraceCore
import Synchronization
import Testing

@testable import ReadTrace

@Suite("The agent's HTTP server, over loopback with curl", .serialized)
struct AgentServerTests {
    /// GET with curl: the status and the body.
    static func get(_ url: String) throws -> (status: Int, body: String) {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-w", "\n%{http_code}", "--max-time", "10", url]
        let output = Pipe()
        curl.standardOutput = output
        try curl.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let status = text.split(separator: "\n").last.flatMap { Int($0) } ?? 0
        return (status, String(text.dropLast(String(status).count + 1)))
    }

    private final class State: Sendable {
        let health = Mutex<AgentServer.Health>(.starting)
        let attached = Mutex(false)
        let port = Mutex<Int?>(nil)
    }

    @Test("/healthz is 503 before the probes attach and after a kernel failure, 200 in between; /dump waits for data")
    func healthStates() async throws {
        let state = State()
        let server = AgentServer(
            host: "127.0.0.1", port: 0, metrics: { Array("readtrace_series 0\n".utf8) }, health: { state.health.withLock { $0 } },
            dump: { _ in
                state.attached.withLock { $0 }
                    ? AgentServer.Dump(bytes: Array("{}".utf8), start: "2026-12-02T08:00:00.000Z", truncated: false) : nil
            },
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let task = Task { try await server.run { bound in state.port.withLock { $0 = bound } } }
        defer { task.cancel() }
        var waited = 0
        while state.port.withLock({ $0 }) == nil && waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        let base = "http://127.0.0.1:\(try #require(state.port.withLock { $0 }))"

        let starting = try Self.get(base + "/healthz")
        #expect(starting.status == 503 && starting.body.hasPrefix("starting"))
        #expect(try Self.get(base + "/dump?last=1m").status == 503, "no data before the probes attach")
        state.health.withLock { $0 = .attached }
        state.attached.withLock { $0 = true }
        let ok = try Self.get(base + "/healthz")
        #expect(ok.status == 200 && ok.body == "ok\n")
        let dump = try Self.get(base + "/dump?last=1m")
        #expect(dump.status == 200 && dump.body == "{}")
        state.health.withLock { $0 = .failed("read the ring buffer: EIO") }
        let failed = try Self.get(base + "/healthz")
        #expect(failed.status == 503 && failed.body == "failed: read the ring buffer: EIO\n")
        let metrics = try Self.get(base + "/metrics")
        #expect(metrics.status == 200 && metrics.body == "readtrace_series 0\n")
        #expect(try Self.get(base + "/dump?last=later").status == 400)
        #expect(try Self.get(base + "/elsewhere").status == 404)
    }

    @Test("agent options: the listen address, rates, the flags triggers need, and a host /proc that is one")
    func options() throws {
        #expect(AgentSettings.address("127.0.0.1:9435").map { "\($0.host) \($0.port)" } == "127.0.0.1 9435")
        #expect(AgentSettings.address("[::1]:9435").map { "\($0.host) \($0.port)" } == "::1 9435")
        for bad in ["9435", "localhost:", "host:99999", ":80", "[::1:80"] { #expect(AgentSettings.address(bad) == nil, "\(bad)") }
        #expect(throws: (any Error).self) { try AgentCommand.parse(["--dump-when-load-slower-than", "100MiB/s"]) }
        #expect(throws: (any Error).self) { try AgentCommand.parse(["--dump-when-load-slower-than", "100MiB", "--dump-dir", "/tmp"]) }
        #expect(throws: (any Error).self) { try AgentCommand.parse(["--listen", "everywhere"]) }
        #expect(throws: (any Error).self) { try AgentCommand.parse(["--dump-dir", "/nonexistent-readtrace-dir"]) }
        #expect(throws: (any Error).self) { try AgentCommand.parse(["--host-proc", "/tmp"]) }
        #expect(try AgentCommand.parse(["--host-proc", "/proc/"]).agent.settings.hostProc == "/proc/")
        let parsed = try AgentCommand.parse(["--dump-dir", "/tmp", "--dump-when-load-longer-than", "30s", "--max-series", "50"])
        #expect(parsed.agent.settings.longerThan == TimeSpan(seconds: 30))
        #expect(parsed.agent.settings.maxSeries == 50)
        #expect(parsed.agent.settings.listen == "127.0.0.1:9435", "loopback unless told otherwise")
        #expect(parsed.agent.settings.hostProc == "/proc")
    }

    @Test("log lines are logfmt: bare values, quoted ones with spaces, quotes and control characters escaped")
    func logfmt() {
        #expect(LogfmtLogHandler.quoted("attached") == "attached")
        #expect(LogfmtLogHandler.quoted("trigger fired") == "\"trigger fired\"")
        #expect(LogfmtLogHandler.quoted("/m/a\"b\n\u{1b}[2J.engine") == #""/m/a\"b\n\x1b[2J.engine""#)
        #expect(LogfmtLogHandler.quoted("") == "\"\"")
    }

    @Test("dump file names say when, why and which file, in safe characters")
    func dumpNames() {
        let name = AgentSession.dumpName(start: "2026-12-02T08:15:00.123Z", kind: "slow", file: "/models/a b/$(rm -rf).engine")
        #expect(name.hasPrefix("readtrace-20261202T081500.123Z-slow-__rm_-rf_.engine-"))
        #expect(name.hasSuffix(".json") && !name.contains("/") && !name.contains(" "))
    }
}
