extension TextFormat {
    /// Bytes in MiB, the unit of every report and rate: "<0.1 MiB", "0.2 MiB", "16 MiB", "48.5 MiB", "1024 MiB".
    public static func mebibytes(_ bytes: UInt64) -> String {
        let value = Double(bytes) / 1_048_576
        if value > 0, value < 0.05 { return "<0.1 MiB" }
        return fixed(value, decimals: value < 100 && value != value.rounded() ? 1 : 0) + " MiB"
    }

    /// "50.0" or "48.2–51.7": one figure when the least and the most agree as shown.
    public static func range(_ least: Double, _ most: Double, decimals: Int) -> String {
        let low = fixed(least, decimals: decimals)
        let high = fixed(most, decimals: decimals)
        return low == high ? low : low + "–" + high
    }

    /// A rate in MiB/s: "612.6 MiB/s".
    public static func mebibytesPerSecond(_ value: Double) -> String {
        fixed(value, decimals: 1) + " MiB/s"
    }

    /// `text` cut to `width` characters, "…" where it was cut.
    public static func fit(_ text: String, width: Int) -> String {
        text.count > width ? String(text.prefix(max(width - 1, 0))) + "…" : text
    }

    /// Units that stay on the line of the number before them.
    static let units: Set<Substring> = ["s", "ms", "MiB", "MiB/s", "%", "×"]

    /// `text` broken into lines of at most `width` characters at spaces, continuation lines
    /// indented by `indent`, never between a number and its unit; a word longer than a line
    /// is cut with "…".
    public static func wrap(_ text: String, width: Int, indent: Int = 0) -> [String] {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = ""
        var words: [Substring] = []
        for word in text.split(separator: " ") {
            if let last = words.last, last.last?.isNumber == true, units.contains(word.prefix { !",.;:)".contains($0) }) {
                words[words.count - 1] = last + " " + word
            } else {
                words.append(word)
            }
        }
        for word in words {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            let start = line.isEmpty ? (lines.isEmpty ? "" : margin) : line + " "
            let room = width - start.count
            line = start + (word.count > room ? word.prefix(max(room - 1, 0)) + "…" : word)
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
