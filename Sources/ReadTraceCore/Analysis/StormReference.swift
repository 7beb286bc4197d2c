/// What a storm's loads are compared with to say how much slower they ran. A load of the same
/// storm is no yardstick (it shared the device too), nor is any small or cached file: only a
/// load that had the device to itself says what a load gets alone.
public enum StormReference: Sendable, Equatable {
    /// Every file of the storm was loaded alone earlier in the run: each load is compared with
    /// its own file's latest solo load, MiB/s by file id.
    case sameFilesAlone(mebibytesPerSecond: [Int: Double])
    /// The device's read throughput in the diskstats sample, ending at `sampleSeconds`, through
    /// which exactly one load was in progress and the device was saturated: what one load gets
    /// from this device alone. A solo load that left the device idle was limited elsewhere.
    case deviceAlone(mebibytesPerSecond: Double, sampleSeconds: Double)

    /// The throughput `load` would have had alone.
    public func mebibytesPerSecond(for load: FileLoad) -> Double? {
        switch self {
        case .sameFilesAlone(let byFile): byFile[load.read.fileID]
        case .deviceAlone(let rate, _): rate
        }
    }
}
