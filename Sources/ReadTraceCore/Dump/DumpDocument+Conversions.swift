extension DumpDocument.Device.Sample {
    init(_ sample: DeviceSample) {
        func rounded(_ value: Double) -> Double { DumpDocument.rounded(value, decimals: 3) }
        let rates = sample.rates
        self.init(
            seconds: rounded(sample.seconds), readIOPS: rounded(rates.readIOsPerSecond),
            writeIOPS: rounded(rates.writeIOsPerSecond), readMiBPerSecond: rounded(rates.readMiBPerSecond),
            writeMiBPerSecond: rounded(rates.writeMiBPerSecond), readAwaitMilliseconds: rounded(rates.readAwaitMilliseconds),
            writeAwaitMilliseconds: rounded(rates.writeAwaitMilliseconds), queueDepth: rounded(rates.queueDepth),
            utilizationPercent: rounded(rates.utilizationPercent))
    }
}

extension DumpDocument.Latency {
    /// Microseconds with nanosecond precision; all zero when no call succeeded.
    init(_ histogram: LatencyHistogram) {
        func microseconds(_ nanoseconds: UInt64) -> Double { DumpDocument.rounded(Double(nanoseconds) / 1e3, decimals: 3) }
        guard histogram.count > 0 else {
            self.init(p50: 0, p90: 0, p99: 0, max: 0, total: 0)
            return
        }
        self.init(
            p50: microseconds(histogram.percentile(0.5)), p90: microseconds(histogram.percentile(0.9)),
            p99: microseconds(histogram.percentile(0.99)), max: microseconds(histogram.maxNanoseconds),
            total: microseconds(histogram.totalNanoseconds))
    }
}
