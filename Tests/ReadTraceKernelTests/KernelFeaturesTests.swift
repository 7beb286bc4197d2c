import ReadTraceCore
import Testing

@testable import ReadTraceKernel

/// The kernel boundary's typed answers, without root: versions, feature sets, capability sets,
/// and what the tracer concludes from them.
@Suite("Kernel features, capabilities and the tracer's conclusions")
struct KernelFeaturesTests {
    static func features(release: String = "6.18.44", without missing: Set<KernelFeature> = []) -> KernelFeatures {
        KernelFeatures(
            release: release,
            support: Dictionary(
                uniqueKeysWithValues: KernelFeature.allCases.map {
                    ($0, missing.contains($0) ? FeatureSupport.unsupported : .supported)
                }))
    }

    @Test(
        "kernel releases parse to major and minor, and compare by both",
        arguments: [
            ("6.18.44-fc-v1045", KernelVersion(6, 18)), ("5.15.0-91-generic", KernelVersion(5, 15)), ("6.1", KernelVersion(6, 1)),
        ])
    func releases(release: String, version: KernelVersion) {
        #expect(KernelVersion(release: release) == version)
    }

    @Test("a release that does not start with two numbers has no version")
    func unparsableRelease() {
        #expect(KernelVersion(release: "linux") == nil)
        #expect(KernelVersion(release: "6") == nil)
        #expect(KernelVersion(6, 9) < KernelVersion(6, 10) && KernelVersion(5, 17) < KernelVersion(6, 1))
    }

    @Test("a feature is missing though new enough only where the release alone decides")
    func newEnough() {
        let old = Self.features(release: "6.1.0-28-cloud-amd64", without: [.blockIOStart, .filemapFault, .filemapGetPages, .kprobes])
        #expect(old.missingThoughNewEnough.isEmpty, "6.1 predates them, and kprobes depend on CONFIG_KPROBES")
        let new = Self.features(release: "6.12.5", without: [.filemapFault, .kprobes, .fentry])
        #expect(new.missingThoughNewEnough == [.filemapFault])
    }

    @Test("required features missing, and undetermined ones, stop readtrace; optional ones do not")
    func requirements() {
        #expect(Self.features(without: [.taskStorage, .bpfLoop, .filemapFault]).missingRequirements == [.taskStorage])
        #expect(KernelFeatures(release: "6.18", support: [:]).missingRequirements == [.btf, .ringBuffer, .taskStorage, .taskBTF])
    }

    @Test("CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON, CAP_DAC_OVERRIDE for CAP_DAC_READ_SEARCH")
    func capabilitySets() {
        #expect(Capability.missing { [.sysAdmin, .dacOverride].contains($0) }.isEmpty)
        #expect(Capability.missing { [.bpf, .perfmon].contains($0) } == [.dacReadSearch])
        #expect(Capability.missing { [.perfmon, .dacReadSearch].contains($0) } == [.bpf])
        #expect(Capability.missing { _ in false } == [.bpf, .perfmon, .dacReadSearch])
    }

    @Test("kprobe needs kprobes and light its tracepoint; fentry and tracepoint are decided by loading them")
    func hookNeeds() {
        let features = Self.features(without: [.kprobes, .filemapGetPages, .fentry])
        #expect(KernelTracer.missingFeature(for: .kprobe, in: features) == .kprobes)
        #expect(KernelTracer.missingFeature(for: .light, in: features) == .filemapGetPages)
        #expect(KernelTracer.missingFeature(for: .fentry, in: features) == nil)
        #expect(KernelTracer.missingFeature(for: .tracepoint, in: features) == nil)
    }

    @Test("limitations follow the kernel and the hook")
    func limitations() {
        #expect(KernelTracer.limitations(hook: .fentry, chosenAutomatically: true, features: Self.features()).isEmpty)
        #expect(KernelTracer.limitations(hook: .tracepoint, chosenAutomatically: false, features: Self.features()).isEmpty)
        #expect(
            KernelTracer.limitations(
                hook: .tracepoint, chosenAutomatically: true,
                features: Self.features(without: [.filemapFault, .filemapGetPages, .fentry, .kprobes, .findVMA]))
                == [.mappedFaultsNotCounted, .syscallTracepointsSlowEveryProcess(lightHookAvailable: false)])
        #expect(
            KernelTracer.limitations(hook: .fentry, chosenAutomatically: true, features: Self.features(without: [.exactRSSStat]))
                == [.mappedBytesNotCounted])
        #expect(KernelTracer.limitations(hook: .light, chosenAutomatically: false, features: Self.features()) == [.lightHookAccuracy])
    }

    @Test(
        "faults are named by the best hook the kernel offers, and mapped bytes counted where rss_stat is exact and fault-around names its file",
        arguments: [
            ([], FaultHook.Naming.tracepoint, true),
            ([.filemapFault], .fentry, true),
            ([.filemapFault, .fentry], .kprobe, true),
            ([.filemapFault, .fentry, .kprobes], .pageFaultTracepoint, true),
            ([.filemapFault, .fentry, .kprobes, .findVMA], nil, false),
            ([.filemapFault, .fentry, .kprobes, .pageFaultUser, .exactRSSStat], nil, false),
            ([.exactRSSStat], .tracepoint, false),
            ([.filemapMapPages], .tracepoint, false),
        ] as [(Set<KernelFeature>, FaultHook.Naming?, Bool)])
    func faultHooks(missing: Set<KernelFeature>, naming: FaultHook.Naming?, countsMappedBytes: Bool) {
        let hook = FaultHook(Self.features(without: missing))
        #expect(hook.naming == naming)
        #expect(hook.countsMappedBytes == countsMappedBytes)
    }
}
