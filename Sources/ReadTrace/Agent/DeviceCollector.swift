import Prometheus
import ReadTraceCore

/// Per device from /proc/diskstats, as iostat -x computes it: bytes read, and the latest
/// interval's utilisation and read await. Devices that never read are left out.
final class DeviceCollector {
    private struct Handles {
        var readBytes: Counter
        var utilization: Gauge
        var readAwait: Gauge
    }

    private let registry: PrometheusCollectorRegistry
    private var handles: [String: Handles] = [:]

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// The interval between two samples; devices new in `current` start there.
    func update(from previous: DiskStatsSnapshot, to current: DiskStatsSnapshot) {
        let seconds = Double(current.nanoseconds &- previous.nanoseconds) / 1e9
        guard seconds > 0 else { return }
        let before = Dictionary(previous.entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in current.entries {
            guard let earlier = before[entry.name], earlier.device == entry.device else { continue }
            let rates = DiskRates(from: earlier.counters, to: entry.counters, seconds: seconds)
            guard rates.readIOs > 0 || handles[entry.name] != nil else { continue }
            let handle = handles[entry.name] ?? makeHandles(entry.name)
            handles[entry.name] = handle
            handle.readBytes.increment(by: Int64(clamping: rates.readBytes))
            handle.utilization.set(rates.utilizationPercent / 100)
            handle.readAwait.set(rates.readAwaitMilliseconds / 1000)
        }
    }

    private func makeHandles(_ name: String) -> Handles {
        let labels = [("device", name)]
        return Handles(
            readBytes: registry.makeCounter(
                name: "readtrace_device_read_bytes_total", labels: labels, help: "Bytes the device read (diskstats), whoever asked."),
            utilization: registry.makeGauge(
                name: "readtrace_device_util_ratio", labels: labels,
                help: "Share of the last interval the device was busy (diskstats io_ticks)."),
            readAwait: registry.makeGauge(
                name: "readtrace_device_read_await_seconds", labels: labels,
                help: "Mean time a read request took in the last interval, queue included (diskstats)."))
    }
}
