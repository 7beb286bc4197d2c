import ArgumentParser
import ReadTraceCore
import ReadTraceKernel

// The option value types live in ReadTraceCore, which knows nothing of argument parsing.
extension KernelConfiguration.HookChoice: ExpressibleByArgument {}

extension SortKey: ExpressibleByArgument {}

extension GroupBy: ExpressibleByArgument {}

extension MarkPreset: ExpressibleByArgument {}

extension KernelFeature: ExpressibleByArgument {}

extension DeviceSelection: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public var defaultValueDescription: String { "auto" }
}

// Sizes and times are parsed through these (`transform:`), so a refused value says why after
// the flag and the value ArgumentParser names.
extension ByteCount {
    static func argument(_ text: String) throws -> ByteCount {
        guard let count = ByteCount(parsing: text) else {
            throw ValidationError(
                text.hasPrefix("-")
                    ? "a size cannot be negative"
                    : "a size is a whole number with an optional unit: 4096, 64K, 16M, 1G")
        }
        return count
    }
}

extension TimeSpan {
    static func argument(_ text: String) throws -> TimeSpan {
        guard let span = TimeSpan(parsing: text) else {
            throw ValidationError(
                text.hasPrefix("-")
                    ? "a time cannot be negative"
                    : "a time is a number with an optional unit: 10 (seconds), 10s, 500ms, 2m, 1h")
        }
        return span
    }
}

extension ByteRate {
    static func argument(_ text: String) throws -> ByteRate {
        guard let rate = ByteRate(parsing: text) else {
            throw ValidationError("a rate is a positive number of bytes per second with an optional unit: 100MiB/s, 500KiB/s, 1G/s")
        }
        return rate
    }
}
