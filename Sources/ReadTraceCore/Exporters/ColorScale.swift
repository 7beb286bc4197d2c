/// A sequential colour scale in equal classes from 0 to a maximum, with its legend: discrete
/// classes read more reliably than a continuous ramp when a value has to be read off.
public struct ColorScale: Sendable {
    public let colors: [String]
    public let maximum: Double

    public init(colors: [String], maximum: Double) {
        self.colors = colors
        self.maximum = maximum
    }

    /// Blues for throughput, reds for %util (ColorBrewer's Blues and Reds, five classes).
    public static func throughput(maximum: Double) -> ColorScale {
        ColorScale(colors: ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"], maximum: maximum)
    }

    public static let utilization = ColorScale(colors: ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"], maximum: 100)

    public func color(for value: Double) -> String {
        guard maximum > 0 else { return colors[0] }
        return colors[max(0, min(colors.count - 1, Int(value / maximum * Double(colors.count))))]
    }

    /// Each class's colour and its range, "0–20".
    public func legend(decimals: Int) -> [(color: String, range: String)] {
        colors.indices.map { index in
            let width = maximum / Double(colors.count)
            return (
                colors[index],
                TextFormat.fixed(width * Double(index), decimals: decimals) + "–"
                    + TextFormat.fixed(width * Double(index + 1), decimals: decimals)
            )
        }
    }
}
