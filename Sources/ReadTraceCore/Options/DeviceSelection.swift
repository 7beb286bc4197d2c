/// Which devices the live view shows.
public enum DeviceSelection: Sendable, Equatable {
    /// Devices holding the files traced so far.
    case auto
    /// Every device that did IO in the interval.
    case all
    case named([String])

    public init?(parsing text: String) {
        switch text {
        case "auto": self = .auto
        case "all": self = .all
        default:
            let names = text.split(separator: ",").map(String.init)
            guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && !$0.contains("/") }) else { return nil }
            self = .named(names)
        }
    }
}
