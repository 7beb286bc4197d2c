/// A rate given on the command line: `100MiB/s`, `100M/s`, `1.5GiB/s`, `500KiB/s`, `65536/s`
/// (binary units; the `/s` is required so that a size is never taken for a rate).
public struct ByteRate: Sendable, Equatable, CustomStringConvertible {
    public var bytesPerSecond: Double

    public init(bytesPerSecond: Double) { self.bytesPerSecond = bytesPerSecond }

    public init?(parsing text: String) {
        guard text.hasSuffix("/s") else { return nil }
        var amount = Substring(text.dropLast(2))
        if amount.last == "B" || amount.last == "b" { amount = amount.dropLast() }
        if amount.hasSuffix("i") { amount = amount.dropLast() }
        let units: [Character: Double] = ["K": 1024, "M": 1_048_576, "G": 1_073_741_824]
        let multiplier = amount.last.flatMap { units[Character($0.uppercased())] } ?? 1
        let digits = multiplier == 1 ? amount : amount.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(digits),
            value.isFinite, value > 0
        else { return nil }
        bytesPerSecond = value * multiplier
    }

    public var description: String {
        let mebibytes = bytesPerSecond / 1_048_576
        return mebibytes == mebibytes.rounded() ? "\(Int(mebibytes))MiB/s" : "\(bytesPerSecond)B/s"
    }
}
