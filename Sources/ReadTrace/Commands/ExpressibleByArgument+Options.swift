import ArgumentParser
import ReadTraceCore
import ReadTraceKernel

// The option value types live in ReadTraceCore, which knows nothing of argument parsing.
extension KernelConfiguration.HookChoice: ExpressibleByArgument {}

extension SortKey: ExpressibleByArgument {}

extension GroupBy: ExpressibleByArgument {}

extension DeviceSelection: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public var defaultValueDescription: String { "auto" }
}

extension ByteCount: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public var defaultValueDescription: String { description }
}

extension TimeSpan: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public var defaultValueDescription: String { description }
}
