import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ReadTraceCore

/// The agent's HTTP endpoints. It knows nothing of BPF: it is handed the exposition, the
/// health and a dump maker, and serves them.
struct AgentServer: Sendable {
    enum Health: Sendable, Equatable {
        case starting
        case attached
        /// The kernel side failed; the reason in one line.
        case failed(String)
    }

    /// A window's dump, or why the request cannot have one.
    struct Dump: Sendable {
        var bytes: [UInt8]
        /// RFC 3339: where the dump starts, later than asked when retention ended first.
        var start: String
        var truncated: Bool
    }

    let host: String
    let port: Int
    let metrics: @Sendable () -> [UInt8]
    let health: @Sendable () -> Health
    /// Nil until the probes are attached.
    let dump: @Sendable (DumpWindowRequest) -> Dump?
    let logger: Logger

    static let index = """
        readtrace agent
        GET /metrics                            Prometheus text exposition format
        GET /healthz                            200 once the probes are attached, 503 before and after a kernel failure
        GET /dump?last=10m                      the dump (schema v1) of the last 10 minutes
        GET /dump?from=RFC3339[&to=RFC3339]     the dump of that window

        """

    /// Serves until cancelled; `running` is called with the bound port once it listens.
    func run(running: @escaping @Sendable (Int) async -> Void) async throws {
        let router = Router()
        router.get("/") { _, _ in Self.text(.ok, Self.index) }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: AgentMetrics.contentType], body: .init(byteBuffer: ByteBuffer(bytes: metrics())))
        }
        router.get("/healthz") { _, _ in
            switch health() {
            case .attached: Self.text(.ok, "ok\n")
            case .starting: Self.text(.serviceUnavailable, "starting: the probes are not attached yet\n")
            case .failed(let reason): Self.text(.serviceUnavailable, "failed: \(reason)\n")
            }
        }
        router.get("/dump") { request, _ in
            let query = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
            let window: DumpWindowRequest
            do {
                window = try DumpWindowRequest(query: query, now: Clock.unixSeconds())
            } catch let refusal as DumpWindowRequest.Refusal {
                return Self.text(.badRequest, refusal.description + "\n")
            }
            guard let dump = dump(window) else {
                return Self.text(.serviceUnavailable, "no data: the probes are not attached\n")
            }
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[HTTPField.Name("X-Readtrace-Window-Start")!] = dump.start
            if dump.truncated { headers[HTTPField.Name("X-Readtrace-Window-Truncated")!] = "retention" }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: dump.bytes)))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await running(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
