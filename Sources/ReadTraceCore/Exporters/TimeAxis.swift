/// Ticks for a time axis at round steps (1, 2 or 5 times a power of ten seconds), as many as
/// fit without crowding: 0, 0.5, 1.0 … rather than a tenth of the duration each.
public struct TimeAxis: Sendable, Equatable {
    public let step: Double
    public let ticks: [Double]

    public init(durationSeconds: Double, mostTicks: Int = 10) {
        let duration = durationSeconds > 0 && durationSeconds.isFinite ? durationSeconds : 1
        var magnitude = 1.0
        while magnitude * 10 < duration / Double(mostTicks) { magnitude *= 10 }
        while magnitude > duration / Double(mostTicks) { magnitude /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { duration / $0 <= Double(mostTicks) } ?? magnitude * 10
        self.step = step
        ticks = (0...Int((duration / step + 1e-9).rounded(.down))).map { Double($0) * step }
    }

    /// "0", "0.5", "12": as many decimals as the step needs.
    public func label(_ seconds: Double) -> String {
        var decimals = 0
        var scaled = step
        while scaled < 0.999, decimals < 6 {
            scaled *= 10
            decimals += 1
        }
        return TextFormat.fixed(seconds, decimals: decimals)
    }
}
