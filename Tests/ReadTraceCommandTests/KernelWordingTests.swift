import ReadTraceCore
import ReadTraceKernel
import Testing

@testable import ReadTrace

/// The words the command gives the kernel boundary's typed reports.
@Suite("Kernel refusals and limitations in words")
struct KernelWordingTests {
    @Test("a refused hook names the step and the errno; a skipped one the missing feature")
    func refusals() {
        let error = KernelError(step: .load(.fentry), errno: Errno(rawValue: 95))
        #expect(KernelWording.sentence(for: .failed(.fentry, error)) == "fentry was refused: load fentry programs: Operation not supported")
        #expect(
            KernelWording.sentence(for: .unsupported(.kprobe, missing: .kprobes))
                == "kprobe was skipped: this kernel has no kprobes (CONFIG_KPROBES)")
        #expect(
            KernelWording.unavailable(.unsupported(.light, missing: .filemapGetPages))
                == "--hook light: this kernel has no filemap/mm_filemap_get_pages tracepoint; it came in 6.10")
    }

    @Test("attaching with no tracepoint found asks whether tracefs is mounted")
    func attachHint() {
        #expect(
            KernelWording.sentence(for: KernelError(step: .attach(.tracepoint), errno: .noEntry))
                == "attach tracepoint programs: No such file or directory (is tracefs mounted at /sys/kernel/tracing?)")
    }

    @Test("missing capabilities are named, one or several, with what each is for")
    func capabilities() {
        let one = KernelWording.missing([.dacReadSearch])
        #expect(one.hasPrefix("CAP_DAC_READ_SEARCH is missing: "))
        #expect(one.contains("tracefs"))
        #expect(KernelWording.missing([.bpf, .perfmon]).hasPrefix("CAP_BPF and CAP_PERFMON are missing: "))
        #expect(one.hasSuffix("or with CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH"))
        #expect(KernelWording.perfEventRestriction(paranoid: 3).hasPrefix("kernel.perf_event_paranoid is 3, "))
    }

    @Test("a hook whose feature depends on the kernel's configuration is not dated")
    func configurationDependentHook() {
        #expect(
            KernelWording.unavailable(.unsupported(.kprobe, missing: .kprobes))
                == "--hook kprobe: this kernel has no kprobes (CONFIG_KPROBES)")
    }

    @Test("a kernel without mapped-fault tracing says which tracepoint and release")
    func limitation() {
        #expect(KernelWording.sentence(for: .mappedFaultsNotCounted).contains("mm_filemap_fault tracepoint (6.10+)"))
        #expect(KernelWording.sentence(for: .syscallTracepointsSlowEveryProcess(lightHookAvailable: true)).contains("--hook light"))
        #expect(!KernelWording.sentence(for: .syscallTracepointsSlowEveryProcess(lightHookAvailable: false)).contains("--hook light"))
    }

    @Test("readtrace features --json lists every feature with its release")
    func featuresJSON() throws {
        let features = KernelFeatures(
            release: "6.1.0", support: [.kprobes: .supported, .fentry: .undetermined, .filemapFault: .unsupported])
        let json = try FeaturesCommand.json(features)
        #expect(json.contains(#"{"also_needs":"CONFIG_KPROBES","name":"kprobes","required":false,"since":"2.6","supported":true}"#))
        #expect(json.contains(#""name":"fentry","required":false,"since":"5.5","supported":null}"#))
        #expect(json.contains(#"{"also_needs":null,"name":"filemapFault","required":false,"since":"6.10","supported":false}"#))
        #expect(json.contains(#""kernel":"6.1.0""#))
    }
}
