import ReadTraceCore

/// What one refresh interval leaves for the per-interval consumers: the live screen today,
/// metrics tomorrow. Each is fed the same snapshot by the event loop.
protocol IntervalConsumer: AnyObject {
    /// Whether it shows what each interval added (the aggregate then keeps that apart).
    var showsIntervals: Bool { get }
    func refresh(with snapshot: IntervalSnapshot)
}

/// The run so far and what its latest interval added.
struct IntervalSnapshot {
    var aggregate: TraceAggregate
    var interval: InsertionOrderedTable<ReadKey, IntervalStats>
    var intervalSeconds: Double
    var elapsedSeconds: Double
    var hook: HookKind
    var counters: KernelCounters
    var eventsPerSecond: Double
    var deviceHistory: DeviceHistory
}
