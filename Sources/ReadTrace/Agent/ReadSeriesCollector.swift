import Prometheus
import ReadTraceCore

/// The per-series counters, histograms and gauge in the Prometheus registry, as `ReadMetrics`
/// changes them. Used from the agent's event loop only; the registry itself is safe to
/// read from the HTTP server's threads.
final class ReadSeriesCollector: MetricSink {
    private struct Handles {
        var counters: [MetricCounter: Counter] = [:]
        var histograms: [MetricHistogram: ValueHistogram] = [:]
        var loadsInProgress: Gauge?
    }

    private let registry: PrometheusCollectorRegistry
    private var handles: [MetricLabels: Handles] = [:]

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    func add(_ amount: UInt64, to counter: MetricCounter, labels: MetricLabels) {
        let handle =
            handles[labels]?.counters[counter]
            ?? {
                let made = registry.makeCounter(name: counter.name, labels: labels.pairs, help: counter.help)
                handles[labels, default: Handles()].counters[counter] = made
                return made
            }()
        handle.increment(by: Int64(clamping: amount))
    }

    func observe(_ seconds: Double, in histogram: MetricHistogram, labels: MetricLabels) {
        let handle =
            handles[labels]?.histograms[histogram]
            ?? {
                let made = registry.makeValueHistogram(
                    name: histogram.name, labels: labels.pairs, buckets: histogram.buckets, help: histogram.help)
                handles[labels, default: Handles()].histograms[histogram] = made
                return made
            }()
        handle.record(seconds)
    }

    func setLoadsInProgress(_ count: Int, labels: MetricLabels) {
        let handle =
            handles[labels]?.loadsInProgress
            ?? {
                let made = registry.makeGauge(
                    name: "readtrace_loads_in_progress", labels: labels.pairs,
                    help: "Loads of model-sized files begun and not finished by a running process.")
                handles[labels, default: Handles()].loadsInProgress = made
                return made
            }()
        handle.set(Double(count))
    }

    func remove(_ labels: MetricLabels) {
        guard let gone = handles.removeValue(forKey: labels) else { return }
        for counter in gone.counters.values { registry.unregisterCounter(counter) }
        for histogram in gone.histograms.values { registry.unregisterValueHistogram(histogram) }
        if let gauge = gone.loadsInProgress { registry.unregisterGauge(gauge) }
    }
}
