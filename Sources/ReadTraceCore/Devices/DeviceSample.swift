/// One device's figures for one interval, as the dump records them.
public struct DeviceSample: Sendable, Equatable {
    /// End of the interval, seconds since tracing started.
    public var seconds: Double
    public var rates: DiskRates
}
