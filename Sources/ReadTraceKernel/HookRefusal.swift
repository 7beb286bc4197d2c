import ReadTraceCore

/// Why a hook variant was not used: this kernel lacks a feature it needs, or loading or
/// attaching it failed.
public enum HookRefusal: Error, Equatable, Sendable {
    case unsupported(HookKind, missing: KernelFeature)
    case failed(HookKind, KernelError)
}
