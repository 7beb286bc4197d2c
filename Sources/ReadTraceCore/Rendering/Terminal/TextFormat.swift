/// Compact, fixed-width friendly renderings of numbers for tables.
public enum TextFormat {
    /// Bytes in binary units: "512", "1.5K", "120M", "3.2G".
    public static func bytes(_ value: UInt64) -> String {
        scaled(Double(value), base: 1024, units: ["", "K", "M", "G", "T", "P", "E"])
    }

    /// Counts: "950", "12.3k", "4.1M".
    public static func count(_ value: Double) -> String {
        scaled(value, base: 1000, units: ["", "k", "M", "G", "T"])
    }

    /// A rate in MiB/s within six characters: "0.4", "612.6", "24414".
    public static func rate(_ mebibytesPerSecond: Double) -> String {
        fixed(mebibytesPerSecond, decimals: mebibytesPerSecond < 999.95 ? 1 : 0)
    }

    /// Time left, like `elapsed` but never wider than five characters: "4.2s", "1m05s", ">99h".
    public static func remaining(seconds: Double) -> String {
        seconds < 100 * 3600 ? elapsed(seconds: seconds) : ">99h"
    }

    /// Durations with an adaptive unit: "850ns", "12.3us", "410ms", "1.20s".
    public static func duration(nanoseconds value: UInt64) -> String {
        let nanoseconds = Double(value)
        switch nanoseconds {
        case ..<1_000: return "\(value)ns"
        case ..<1e6: return threeDigits(nanoseconds / 1e3) + "us"
        case ..<1e9: return threeDigits(nanoseconds / 1e6) + "ms"
        default: return fixed(nanoseconds / 1e9, decimals: 2) + "s"
        }
    }

    /// Run time: "5.2s", "1m05s", "2h03m".
    public static func elapsed(seconds: Double) -> String {
        if seconds < 60 { return fixed(seconds, decimals: 1) + "s" }
        let whole = Int(seconds)
        if whole < 3600 { return "\(whole / 60)m" + twoDigits(whole % 60) + "s" }
        return "\(whole / 3600)h" + twoDigits(whole % 3600 / 60) + "m"
    }

    /// Keeps the start and the end of `text`, replacing the middle with "…", so it fits `width` characters.
    public static func elideMiddle(_ text: String, toWidth width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        let kept = width - 1
        let head = kept / 2
        return String(text.prefix(head)) + "…" + String(text.suffix(kept - head))
    }

    /// Like `elideMiddle`, but keeps the file name whole when it fits: "/models/…/resnet50.engine".
    public static func elidePath(_ path: String, toWidth width: Int) -> String {
        guard path.count > width else { return path }
        guard let slash = path.lastIndex(of: "/") else { return elideMiddle(path, toWidth: width) }
        let name = path[slash...]
        let head = width - name.count - 1
        guard head >= 1 else { return elideMiddle(path, toWidth: width) }
        return String(path.prefix(head)) + "…" + name
    }

    /// A number with at most three significant digits before the unit: "1.5", "12.3", "123".
    static func threeDigits(_ value: Double) -> String {
        value < 100 ? fixed(value, decimals: 1) : fixed(value, decimals: 0)
    }

    static func scaled(_ value: Double, base: Double, units: [String]) -> String {
        var scaled = value
        var unit = 0
        while scaled >= 999.5, unit < units.count - 1 {
            scaled /= base
            unit += 1
        }
        if unit == 0 { return fixed(value, decimals: 0) }
        return (scaled < 9.95 ? fixed(scaled, decimals: 1) : fixed(scaled, decimals: 0)) + units[unit]
    }

    /// Rounds to `decimals` places without Foundation's formatters.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let rounded = (abs(value) * factor).rounded()
        // A figure no whole number of UInt64 holds comes from a crafted dump, not a run: shown, never a trap.
        guard rounded < 0x1p63 else { return "\(value)" }
        let whole = UInt64(rounded / factor)
        let fraction = UInt64(rounded - Double(whole) * factor)
        let sign = value < 0 && rounded > 0 ? "-" : ""
        guard decimals > 0 else { return sign + "\(whole)" }
        let digits = String(fraction)
        return sign + "\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }

    /// A fraction as a whole percentage, "-" where it was not measured.
    public static func percent(_ fraction: Double?) -> String {
        fraction.map { fixed($0 * 100, decimals: 0) + "%" } ?? "-"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
