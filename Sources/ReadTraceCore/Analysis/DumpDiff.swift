/// Two dumps' files side by side (`readtrace diff BASELINE NEW`): each file both load, matched
/// by `FileKey`, with its figures before and after and whether it regressed.
public struct DumpDiff: Sendable {
    /// A figure whose worsening beyond the threshold is a regression.
    public enum Figure: String, Sendable, CaseIterable {
        /// The slowest reader's load took longer.
        case loadTime = "load_s"
        /// The file's bytes arrived slower.
        case throughput = "throughput_mib_s"
    }

    public struct Change: Sendable, Equatable {
        public var before: FileProfile
        public var after: FileProfile
        /// The figures that worsened by more than the threshold; empty when none did.
        public var regressions: [Figure]

        public var key: String { after.key }
        /// after / before of a figure; nil when before is 0.
        public func ratio(_ figure: Figure) -> Double? {
            let (old, new) =
                figure == .loadTime
                ? (before.loadSeconds, after.loadSeconds) : (before.throughputMiBPerSecond, after.throughputMiBPerSecond)
            return old > 0 ? new / old : nil
        }
    }

    /// Load times within this much of each other never regress: below it, a load's time is
    /// the scheduler's and the clock's as much as the disk's.
    public static let loadTimeNoiseSeconds = 0.01

    /// The share a figure may worsen by before it counts (0.2: 20%).
    public var threshold: Double
    /// Files in both, the regressed first, then by how much longer they took.
    public var changes: [Change]
    /// Keys in one dump only.
    public var onlyBefore: [FileProfile]
    public var onlyAfter: [FileProfile]

    public var regressed: [Change] { changes.filter { !$0.regressions.isEmpty } }

    public init(before: [FileProfile], after: [FileProfile], threshold: Double) {
        self.threshold = threshold
        let afterByKey = Dictionary(after.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let beforeKeys = Set(before.map(\.key))
        changes = before.compactMap { old in
            afterByKey[old.key].map { new in Change(before: old, after: new, regressions: Self.regressions(old, new, threshold: threshold))
            }
        }
        .sorted { lhs, rhs in
            (lhs.regressions.isEmpty ? 1 : 0, -(lhs.ratio(.loadTime) ?? 0), lhs.key) < (
                rhs.regressions.isEmpty ? 1 : 0, -(rhs.ratio(.loadTime) ?? 0), rhs.key
            )
        }
        onlyBefore = before.filter { afterByKey[$0.key] == nil }
        onlyAfter = after.filter { !beforeKeys.contains($0.key) }
    }

    /// A load time more than `threshold` longer (and by more than the noise), a throughput more
    /// than `threshold` lower (of a load that lasted longer than the noise).
    static func regressions(_ before: FileProfile, _ after: FileProfile, threshold: Double) -> [Figure] {
        var figures: [Figure] = []
        if after.loadSeconds > before.loadSeconds * (1 + threshold), after.loadSeconds - before.loadSeconds > loadTimeNoiseSeconds {
            figures.append(.loadTime)
        }
        if before.throughputMiBPerSecond > 0, after.throughputMiBPerSecond < before.throughputMiBPerSecond * (1 - threshold),
            after.loadSeconds > loadTimeNoiseSeconds
        {
            figures.append(.throughput)
        }
        return figures
    }
}
