/// Whether this kernel has a feature, as far as it could be probed.
public enum FeatureSupport: Equatable, Sendable {
    case supported
    case unsupported
    /// The probe could not run: no kernel BTF to look in, or it needs capabilities this
    /// process lacks.
    case undetermined
}
