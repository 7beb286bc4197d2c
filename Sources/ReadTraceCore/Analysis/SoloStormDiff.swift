/// `readtrace diff` of a run's loads before its storm against the storm's: what the demo ends
/// with. The storm is the first the storm summary finds; the loads that began before it are the
/// baseline. `key` makes each pod's copy of one model one file, so the storm's side counts
/// every reader of it (read amplification, readers at once).
public enum SoloStormDiff {
    /// nil when no loads overlapped, or none began before they did.
    public static func diff(_ dump: DumpDocument, rule: LoadRule, key: FileKey, threshold: Double) -> DumpDiff? {
        guard let storm = StormSummary.storms(in: dump, rule: rule).first else { return nil }
        let solo = DumpSelection(firstReadWithin: 0..<storm.startSeconds).apply(to: dump)
        let stormed = DumpSelection(firstReadWithin: storm.startSeconds..<Double.infinity).apply(to: dump)
        let before = FileProfile.profiles(of: solo, rule: rule, key: key)
        guard !before.isEmpty else { return nil }
        return DumpDiff(before: before, after: FileProfile.profiles(of: stormed, rule: rule, key: key), threshold: threshold)
    }
}
