import Prometheus
import ReadTraceCore

/// The one place the agent's collectors are registered, and the exposition the server serves.
final class AgentMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    /// The text exposition format (0.0.4); swift-prometheus writes no OpenMetrics.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func exposition() -> [UInt8] { registry.emitToBuffer() }
}

/// The collectors, used from the event loop only.
struct AgentCollectors {
    let series: ReadSeriesCollector
    let health: SelfHealthCollector
    let devices: DeviceCollector

    init(_ metrics: AgentMetrics, hook: HookKind, kernel: String) {
        series = ReadSeriesCollector(registry: metrics.registry)
        health = SelfHealthCollector(registry: metrics.registry, hook: hook, kernel: kernel)
        devices = DeviceCollector(registry: metrics.registry)
    }
}
