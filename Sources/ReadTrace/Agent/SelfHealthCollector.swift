import Prometheus
import ReadTraceCore

/// The agent's own health: what the kernel lost or skipped, how many series exist and how many
/// were folded, what the flight recorder holds, and what this build is.
final class SelfHealthCollector {
    private let events: Counter
    private let lostEvents: Counter
    private let skippedProgramRuns: Counter
    private let series: Gauge
    private let foldedSeries: Counter
    private let retainedBytes: Gauge
    private let droppedEvents: Counter
    private var last = (events: UInt64(0), lost: UInt64(0), skipped: UInt64(0), folded: UInt64(0), dropped: UInt64(0))

    init(registry: PrometheusCollectorRegistry, hook: HookKind, kernel: String) {
        events = registry.makeCounter(
            name: "readtrace_events_total",
            help: "Records the kernel sent: reads of unselected files are counted in the kernel and send none.")
        lostEvents = registry.makeCounter(
            name: "readtrace_lost_events_total", help: "Events the kernel could not send (ring buffer full): totals are low by these.")
        skippedProgramRuns = registry.makeCounter(
            name: "readtrace_skipped_program_runs_total", help: "Runs of readtrace's programs the kernel skipped (nested on one CPU).")
        series = registry.makeGauge(name: "readtrace_series", help: "Label sets of the per-file series.")
        foldedSeries = registry.makeCounter(
            name: "readtrace_series_folded_total", help: "Label sets beyond --max-series counted as other, once per process and file.")
        retainedBytes = registry.makeGauge(
            name: "readtrace_retained_bytes", help: "Memory the flight recorder holds: events, names and samples.")
        droppedEvents = registry.makeCounter(
            name: "readtrace_retained_dropped_events_total",
            help: "Events the flight recorder let go before --retain ended, for --retain-memory.")
        registry.makeGauge(
            name: "readtrace_build_info",
            labels: [("version", ReadTraceVersion.current), ("hook", hook.rawValue), ("kernel", kernel)],
            help: "1, labelled with the version, the kernel hooks in use and the kernel release."
        ).set(1.0)
    }

    func update(
        counters: KernelCounters, seriesCount: Int, foldedSeries folded: UInt64, retainedBytes bytes: Int, droppedEvents dropped: UInt64
    ) {
        events.increment(by: Int64(clamping: counters.eventsEmitted &- last.events))
        lostEvents.increment(by: Int64(clamping: counters.eventsLost &- last.lost))
        skippedProgramRuns.increment(by: Int64(clamping: counters.skippedProgramRuns &- last.skipped))
        foldedSeries.increment(by: Int64(clamping: folded &- last.folded))
        droppedEvents.increment(by: Int64(clamping: dropped &- last.dropped))
        last = (counters.eventsEmitted, counters.eventsLost, counters.skippedProgramRuns, folded, dropped)
        series.set(Double(seriesCount))
        retainedBytes.set(Double(bytes))
    }
}
