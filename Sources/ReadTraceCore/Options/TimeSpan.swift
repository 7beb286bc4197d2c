/// A length of time given on the command line: `10` (seconds), `10s`, `500ms`, `2m`, `1h`, `1.5s`.
public struct TimeSpan: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }
    public init(seconds: Double) { nanoseconds = UInt64((seconds * 1e9).rounded()) }

    public var seconds: Double { Double(nanoseconds) / 1e9 }

    private static let units: [(suffix: String, nanoseconds: Double)] = [
        ("ms", 1e6), ("us", 1e3), ("ns", 1), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// Parses a number with an optional unit; nil for anything else, negative or absurd values included.
    public init?(parsing text: String) {
        let unit = Self.units.first { text.hasSuffix($0.suffix) } ?? ("", 1e9)
        let number = text.dropLast(unit.suffix.count)
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(number), value.isFinite
        else { return nil }
        let total = value * unit.nanoseconds
        guard total >= 0, total < 1e18 else { return nil }
        nanoseconds = UInt64(total.rounded())
    }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public var description: String {
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
        return "\(seconds)s"
    }
}
