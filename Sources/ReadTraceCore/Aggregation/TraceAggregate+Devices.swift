extension TraceAggregate {
    /// The filesystems (by device number) of the files shown under `filter`, and of the files
    /// below those read through an overlay.
    func fileDevices(shownBy filter: PathFilter) -> Set<DeviceNumber> {
        let shown = reads.keys.map(\.file).filter { isShown($0, by: filter) }
        return Set(shown.map(\.device) + shown.compactMap { lowerFiles[$0]?.device })
    }
}
