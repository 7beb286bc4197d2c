import ArgumentParser
import Foundation
import ReadTraceCore
import ReadTraceKernel

/// `readtrace features`: what this kernel has of what readtrace uses, each feature with the
/// release that introduced it. Tests and scripts ask this instead of looking in tracefs.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readtrace features",
        abstract: "List the kernel features readtrace probes, the release that introduced each, and whether this kernel has it.",
        discussion: """
            Everything but fentry is looked up in the kernel's BTF, so the answer does not depend on \
            privileges; fentry needs a real load (CAP_BPF and CAP_PERFMON), and is 'unknown' without them.
            """)

    @Flag(
        help:
            "Print JSON: {\"kernel\": release, \"features\": [{\"name\", \"since\", \"supported\" (true, false or null), \"required\", \"also_needs\"}]}."
    )
    var json = false

    func run() throws {
        let features = try KernelWording.probeFeatures()
        StandardStreams.writeOutput(json ? try Self.json(features) : Self.table(features))
    }

    static func json(_ features: KernelFeatures) throws -> String {
        let entries: [[String: Any]] = KernelFeature.allCases.map { feature in
            let supported: Any =
                switch features[feature] {
                case .supported: true
                case .unsupported: false
                case .undetermined: NSNull()
                }
            return [
                "name": feature.rawValue, "since": feature.introducedIn.description, "supported": supported,
                "required": feature.isRequired, "also_needs": feature.alsoNeeds ?? NSNull(),
            ]
        }
        let data = try JSONSerialization.data(
            withJSONObject: ["kernel": features.release, "features": entries],
            options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func table(_ features: KernelFeatures) -> String {
        var text = "kernel \(features.release)\n"
        text += "FEATURE          SINCE  HERE     WHAT\n"
        for feature in KernelFeature.allCases {
            let here =
                switch features[feature] {
                case .supported: "yes"
                case .unsupported: "no"
                case .undetermined: "unknown"
                }
            var what = KernelWording.noun(for: feature)
            if feature.isRequired { what += ", needed by every hook" }
            text +=
                feature.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)
                + feature.introducedIn.description.padding(toLength: 7, withPad: " ", startingAt: 0)
                + here.padding(toLength: 9, withPad: " ", startingAt: 0) + what + "\n"
        }
        for feature in features.missingThoughNewEnough {
            text +=
                "note: this kernel is \(feature.introducedIn) or later but has no \(KernelWording.noun(for: feature)) (a patched or stripped-down kernel?)\n"
        }
        return text
    }
}
