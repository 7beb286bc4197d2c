/// A dump's loads against a baseline store's histories (`readtrace baseline check`): a load is
/// flagged when its time is more than `deviations` median absolute deviations from its file's
/// history, slower or faster; files with fewer than `minimumHistory` loads recorded are not judged.
public struct BaselineCheck: Sendable {
    public struct Finding: Sendable, Equatable {
        public var profile: FileProfile
        /// Loads in the file's history.
        public var history: Int
        /// nil when the history is too short to judge.
        public var departure: BaselineHistory.Departure?
        public var flagged: Bool
    }

    public static let defaultDeviations = 3.0
    public static let defaultMinimumHistory = 5

    public var deviations: Double
    public var minimumHistory: Int
    /// The flagged first, then by how far they departed.
    public var findings: [Finding]

    public var flagged: [Finding] { findings.filter(\.flagged) }

    public init(profiles: [FileProfile], histories: [String: BaselineHistory], deviations: Double, minimumHistory: Int) {
        self.deviations = deviations
        self.minimumHistory = minimumHistory
        findings = profiles.map { profile in
            let history = histories[profile.key]
            let count = history?.loads.count ?? 0
            guard let history, count >= minimumHistory else {
                return Finding(profile: profile, history: count, departure: nil, flagged: false)
            }
            let departure = history.departure(of: profile.loadSeconds)
            return Finding(profile: profile, history: count, departure: departure, flagged: abs(departure.deviations) > deviations)
        }
        .sorted { lhs, rhs in
            (lhs.flagged ? 0 : 1, -abs(lhs.departure?.deviations ?? 0), lhs.profile.key)
                < (rhs.flagged ? 0 : 1, -abs(rhs.departure?.deviations ?? 0), rhs.profile.key)
        }
    }
}
