import Foundation
import Testing

/// `readtrace features`: what it reports must be what the kernel does, and must not depend on
/// who asks.
@Suite(
    "Kernel features as readtrace reports them", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct KernelFeatureTests {
    @Test("every feature whose release alone decides is reported supported on a kernel that new")
    func newEnoughKernelHasIt() throws {
        let report = try KernelFeatureReport.read()
        #expect(report.features.count == 18, "\(report.features.keys.sorted())")
        for feature in report.features.values where report.isNewEnough(for: feature) {
            #expect(feature.supported == true, "\(report.kernel) should have \(feature.name) (\(feature.since))")
        }
    }

    @Test("an unprivileged user is told the same as root, except fentry, which it cannot probe")
    func privilegesDoNotChangeTheAnswer() throws {
        let root = try KernelFeatureReport.read()
        let nobody = try KernelFeatureReport.read(as: [
            "--reuid=65534", "--regid=65534", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all",
        ])
        for (name, feature) in root.features where name != "fentry" {
            #expect(nobody.features[name]?.supported == feature.supported, "\(name)")
        }
        #expect(nobody.features["fentry"].map { $0.supported == nil } == true)
    }

    @Test("--hook fentry traces exactly where fentry is reported supported")
    func fentryAsReported() throws {
        let report = try KernelFeatureReport.read()
        let supported = try #require(report.features["fentry"]?.supported, "root can probe fentry")
        let finished = try RunningProcess(
            Paths.readtrace,
            [
                "--hook", "fentry", "--quiet", "--duration", "300ms",
                "--comm", "rt-nobody",
            ]
        ).finish()
        #expect((finished.status == 0) == supported, "\(finished.standardError)")
        if !supported { #expect(finished.standardError.hasPrefix("readtrace: load fentry programs: ")) }
    }
}
