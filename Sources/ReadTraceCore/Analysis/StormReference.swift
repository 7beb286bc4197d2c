/// What a storm's loads are compared with to say how much slower they ran. A load of the same
/// storm is no yardstick (it shared the device too), nor is any small or cached file: only a
/// load that had the device to itself says what a load gets alone.
public enum StormReference: Sendable, Equatable {
    /// Every file of the storm was loaded alone earlier in the run: each load is compared with
    /// its own file's latest solo load, MiB/s by file id.
    case sameFilesAlone(mebibytesPerSecond: [Int: Double])
    /// Not every file was, but a load that had the device to itself before the storm (the
    /// demo's baseline), `label` naming it, read about as fast as the storm's loads together:
    /// they shared what one load gets alone, whatever capped it (the device, a throttle, the
    /// network), so it is what each would have had alone. A solo load slower than that was
    /// limited elsewhere.
    case loadAlone(mebibytesPerSecond: Double, label: String)
    /// The device's read throughput in the diskstats sample, ending at `sampleSeconds`, through
    /// which exactly one load was in progress and the device was saturated: what one load gets
    /// from this device alone. A solo load that left the device idle was limited elsewhere.
    case deviceAlone(mebibytesPerSecond: Double, sampleSeconds: Double)

    /// The throughput `load` would have had alone.
    public func mebibytesPerSecond(for load: FileLoad) -> Double? {
        switch self {
        case .sameFilesAlone(let byFile): byFile[load.read.fileID]
        case .loadAlone(let rate, _), .deviceAlone(let rate, _): rate
        }
    }
}
