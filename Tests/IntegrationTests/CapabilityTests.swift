import Foundation
import Testing

/// The least privilege readtrace runs with: a non-root user with exactly CAP_BPF, CAP_PERFMON
/// and CAP_DAC_READ_SEARCH traces exactly; without any one of them it refuses in one line
/// naming it; and the command it runs gets none of them.
@Suite(
    "Least privilege: the capabilities each hook needs", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct CapabilityTests {
    static let minimal = ["bpf", "perfmon", "dac_read_search"]

    /// setpriv arguments for uid and gid 65534 with exactly `capabilities` (libcap names).
    static func nobody(with capabilities: [String]) -> [String] {
        let set = (["-all"] + capabilities.map { "+" + $0 }).joined(separator: ",")
        return [
            "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=\(set)", "--ambient-caps=\(set)",
            "--bounding-set=\(set)",
        ]
    }

    @Test("the tracepoint hook attaches with the minimal set and counts a reader's bytes and mapped faults exactly")
    func tracepointHook() throws {
        try expectExactCounts(hook: "tracepoint")
    }

    @Test(
        "the light hook attaches with the minimal set and counts a reader's bytes and mapped faults exactly",
        .enabled(if: KernelFeatureReport.shouldRun("filemapGetPages"), KernelFeatureReport.skipComment("filemapGetPages")))
    func lightHook() throws {
        try expectExactCounts(hook: "light")
    }

    private func expectExactCounts(hook: String) throws {
        let scratch = try ScratchDirectory()
        chmod(scratch.path, 0o777)  // the dump is written by uid 65534
        let size = 4 << 20
        let read = try scratch.file("read.engine", size: size)
        let mapped = try scratch.file("mapped.safetensors", size: size)
        let trace = try Trace(["--hook", hook, "--comm", "rt-caps"], in: scratch, setpriv: Self.nobody(with: Self.minimal))
        let reader = try runWorkload(["--file", read, "--chunk", "65536", "--name", "rt-caps"])
        let mapper = try runWorkload(["--file", mapped, "--mmap", "--drop-cache", "--name", "rt-caps"])
        let dump = try trace.stop()

        #expect(dump.root["hook"] as? String == hook)
        #expect(dump.read(pid: reader.pid, path: read)?.int("read_bytes") == size)
        // With fewer privileges readtrace once believed the kernel had no mm_filemap_fault.
        if KernelFeatureReport.current?.features["filemapFault"]?.supported == true {
            #expect(!trace.running.standardError.contains("mm_filemap_fault"), "\(trace.running.standardError)")
            let faults = dump.read(pid: mapper.pid, path: mapped)?.int("mmap_fault_bytes")
            #expect(DiskReadTests.isClose(faults, to: size), "mapped bytes: \(String(describing: faults))")
        }
    }

    @Test(
        "without any one capability of the set, each hook refuses in one line naming it",
        arguments: ["tracepoint", "light"], CapabilityTests.minimal)
    func eachCapabilityIsNamed(hook: String, dropped: String) throws {
        let kept = Self.minimal.filter { $0 != dropped }
        let result = try BadInputTests.refusal(
            ["--hook", hook, "--duration", "1", "--comm", "rt-nobody"],
            as: Self.nobody(with: kept))
        BadInputTests.expectOneLine(result, mentioning: "CAP_\(dropped.uppercased()) is missing")
    }

    @Test("the command run with -- gets none of readtrace's capabilities")
    func commandHasNoCapabilities() throws {
        let scratch = try ScratchDirectory()
        chmod(scratch.path, 0o777)
        let status = scratch.path + "/status"
        let finished = try RunningProcess(
            "/usr/bin/setpriv",
            Self.nobody(with: Self.minimal) + [
                Paths.readtrace, "--quiet", "--", "/bin/sh", "-c", "grep ^Cap /proc/self/status > \(status)",
            ]
        ).finish()
        #expect(finished.status == 0, "\(finished.standardError)")
        let lines = try String(contentsOfFile: status, encoding: .utf8).split(separator: "\n")
        let sets = Dictionary(
            uniqueKeysWithValues: lines.map { line in
                let fields = line.split(separator: ":")
                return (String(fields[0]), fields[1].trimmingCharacters(in: .whitespaces))
            })
        for name in ["CapInh", "CapPrm", "CapEff", "CapAmb"] {
            #expect(sets[name] == "0000000000000000", "\(name): \(sets[name] ?? "missing")")
        }
    }
}
