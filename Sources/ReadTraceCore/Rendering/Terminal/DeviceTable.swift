/// Device lines in the style of `iostat -x`, shown above the per-file table.
enum DeviceTable {
    static let header = "DEVICE          r/s  rMiB/s r_await     w/s  wMiB/s w_await  aqu-sz  %util"

    static func line(name: String, rates: DiskRates?) -> String {
        let padded = name.count >= 12 ? String(name.prefix(12)) : name + String(repeating: " ", count: 12 - name.count)
        guard let rates else { return padded + "  (no sample yet)" }
        let cells = [
            rates.readIOsPerSecond, rates.readMiBPerSecond, rates.readAwaitMilliseconds,
            rates.writeIOsPerSecond, rates.writeMiBPerSecond, rates.writeAwaitMilliseconds,
            rates.queueDepth, rates.utilizationPercent,
        ].map { TextFormat.fixed($0, decimals: 2) }
        return padded + cells.map { String(repeating: " ", count: max(0, 8 - $0.count)) + $0 }.joined()
    }

    /// The header and one line per device, each cut to `width`.
    static func lines(_ devices: [(name: String, rates: DiskRates?)], width: Int) -> [String] {
        guard !devices.isEmpty else { return [] }
        return ([header] + devices.map { line(name: $0.name, rates: $0.rates) }).map { String($0.prefix(width)) }
    }
}
