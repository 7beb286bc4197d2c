import Foundation
import Testing

/// What `readtrace features --json` says this kernel has: the one place the tests learn about
/// the kernel, instead of looking in tracefs themselves.
struct KernelFeatureReport {
    struct Feature {
        var name: String
        var since: (major: Int, minor: Int)
        /// nil when the probe could not run (fentry without CAP_BPF and CAP_PERFMON).
        var supported: Bool?
        /// Set where a new enough kernel can still lack it (CONFIG_KPROBES, trampolines).
        var alsoNeeds: String?
    }

    var kernel: String
    var features: [String: Feature]

    /// The kernel's release as (major, minor), from the report.
    var kernelVersion: (major: Int, minor: Int)? {
        let numbers = kernel.split(maxSplits: 2, omittingEmptySubsequences: false, whereSeparator: { !$0.isNumber })
        guard numbers.count >= 2, let major = Int(numbers[0]), let minor = Int(numbers[1]) else { return nil }
        return (major, minor)
    }

    /// Runs `readtrace features --json`, optionally through setpriv as another user.
    static func read(as user: [String] = []) throws -> KernelFeatureReport {
        let command = user.isEmpty ? Paths.readtrace : "/usr/bin/setpriv"
        let finished = try RunningProcess(command, user + (user.isEmpty ? [] : [Paths.readtrace]) + ["features", "--json"]).finish()
        try #require(finished.status == 0, "readtrace features failed: \(finished.standardError)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(finished.standardOutput.utf8)) as? [String: Any])
        var features: [String: Feature] = [:]
        for entry in root["features"] as? [[String: Any]] ?? [] {
            let name = try #require(entry["name"] as? String)
            let since = try #require((entry["since"] as? String)?.split(separator: ".").compactMap { Int($0) })
            try #require(since.count == 2)
            features[name] = Feature(
                name: name, since: (since[0], since[1]), supported: entry["supported"] as? Bool,
                alsoNeeds: entry["also_needs"] as? String)
        }
        return KernelFeatureReport(kernel: try #require(root["kernel"] as? String), features: features)
    }

    /// Whether this kernel's release is at least the one that introduced `feature`, and the
    /// release alone decides: then it must be there.
    func isNewEnough(for feature: Feature) -> Bool {
        guard feature.alsoNeeds == nil, let version = kernelVersion else { return false }
        return (version.major, version.minor) >= feature.since
    }

    /// The report for the tests' traits; nil when the binary cannot tell (then they run, and fail).
    static let current: KernelFeatureReport? = try? read()

    /// Whether tests of `name` run: when it is reported supported, or when the kernel is new
    /// enough that it should be (a test that then fails says more than a skip). Skipped only
    /// when reported unsupported on a kernel older than the feature.
    static func shouldRun(_ name: String) -> Bool {
        guard let report = current, let feature = report.features[name] else { return true }
        return feature.supported == true || report.isNewEnough(for: feature)
    }

    static func skipComment(_ name: String) -> Comment {
        let since = current?.features[name].map { "\($0.since.major).\($0.since.minor)" } ?? "?"
        return Comment(rawValue: "readtrace features reports no \(name) on this kernel (\(current?.kernel ?? "?"); it came in \(since))")
    }
}
