import Foundation
import Testing

/// Loads through a mapping: the pages a process maps from a file (`mapped_bytes`), cached or
/// not, and what its faults bring in (`mmap_fault_bytes`), through each way this kernel offers
/// to see faults, the fallbacks forced by making readtrace believe the kernel lacks a feature.
@Suite(
    "Mapped loads through every fault hook", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct MappedLoadTests {
    /// Not a whole number of pages: the last one is mapped whole.
    static let size = (16 << 20) + 1234
    static let mappedSize = (size + 4095) / 4096 * 4096

    /// Within 2% of `expected`.
    static func isClose(_ value: Int?, to expected: Int) -> Bool {
        guard let value else { return false }
        return abs(value - expected) <= expected / 50
    }

    /// Maps the file and touches every page, cold then warm, with readtrace believing the kernel
    /// lacks `disabled`; returns the two entries (the warm one nil when nothing saw it) and
    /// readtrace's notes.
    static func touchEveryPage(disabling disabled: [String]) throws -> (cold: [String: Any], warm: [String: Any]?, notes: String) {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 64, in: scratch)
        let file = try filesystem.file("weights.safetensors", size: size)
        let trace = try Trace(["--comm", "rt-mapped"], in: scratch, disabling: disabled)
        let cold = try runWorkload(["--file", file, "--mmap", "--drop-cache", "--name", "rt-mapped"])
        let warm = try runWorkload(["--file", file, "--mmap", "--name", "rt-mapped"])
        let notes = trace.running.standardError
        let dump = try trace.stop()
        let coldEntry = try #require(dump.read(pid: cold.pid, path: file), "no entry for \(file): \(dump.files)")
        let warmEntry = dump.read(pid: warm.pid, path: file)
        for entry in [coldEntry, warmEntry].compactMap(\.self) {
            #expect(entry.int("read_calls") == 0 && entry.int("read_bytes") == 0)
        }
        #expect(isClose(coldEntry.int("mmap_fault_bytes"), to: size), "cold fault bytes: \(coldEntry)")
        #expect(isClose(coldEntry.int("block_read_bytes"), to: size), "cold block reads: \(coldEntry)")
        #expect((warmEntry?.int("mmap_fault_bytes") ?? 0) <= size / 50, "the pages are cached now: \(String(describing: warmEntry))")
        return (coldEntry, warmEntry, notes)
    }

    @Test(
        "a process that maps a file and touches every page maps every page of it, cold and warm, and each is a load",
        .enabled(if: KernelFeatureReport.shouldRun("exactRSSStat"), KernelFeatureReport.skipComment("exactRSSStat")),
        .enabled(if: KernelFeatureReport.shouldRun("filemapMapPages"), KernelFeatureReport.skipComment("filemapMapPages")),
        arguments: [[], ["filemapFault"]])
    func everyPageMapped(disabling disabled: [String]) throws {
        let (cold, warm, notes) = try Self.touchEveryPage(disabling: disabled)
        let warmEntry = try #require(warm, "the warm load is seen")
        for entry in [cold, warmEntry] {
            #expect(entry.int("mapped_bytes") == Self.mappedSize, "mapped bytes: \(entry)")
            #expect(entry["load_s"] is Double, "a mapped load is a load: \(entry)")
        }
        #expect(!notes.contains("not counted"), "\(notes)")
    }

    @Test(
        "without the exact page counters, faults still bring their bytes in and the run says mapped bytes are not counted",
        .enabled(if: KernelFeatureReport.shouldRun("filemapFault"), KernelFeatureReport.skipComment("filemapFault")))
    func faultsWithoutMappedBytes() throws {
        let (cold, warm, notes) = try Self.touchEveryPage(disabling: ["exactRSSStat"])
        #expect(cold.int("mapped_bytes") == 0)
        #expect(warm == nil, "a warm mapped load brings nothing in, and its mapping is not counted: \(String(describing: warm))")
        #expect(cold["load_s"] is Double, "the cold load is seen through its faults: \(cold)")
        #expect(notes.contains("pages mapped from files are not counted (mapped_bytes)"), "\(notes)")
    }

    @Test(
        "with only the page-fault tracepoint before 6.10, faults are named through bpf_find_vma",
        .enabled(if: KernelFeatureReport.shouldRun("pageFaultUser"), KernelFeatureReport.skipComment("pageFaultUser")),
        .enabled(if: KernelFeatureReport.shouldRun("findVMA"), KernelFeatureReport.skipComment("findVMA")))
    func pageFaultTracepoint() throws {
        let (cold, _, notes) = try Self.touchEveryPage(disabling: ["filemapFault", "filemapMapPages", "fentry", "kprobes"])
        #expect(cold["load_s"] is Double, "\(cold)")
        #expect(notes.contains("pages mapped from files are not counted"), "\(notes)")
    }

    @Test(
        "a safetensors file loaded through its mapping (safe_open, numpy) is a load, cold and warm",
        .enabled(if: KernelFeatureReport.shouldRun("exactRSSStat"), KernelFeatureReport.skipComment("exactRSSStat")))
    func safetensorsLoad() throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 64, in: scratch)
        let file = filesystem.mountPoint + "/model.safetensors"
        let script = scratch.path + "/load.py"
        try """
        import ctypes, os, sys
        path, mode = sys.argv[1], sys.argv[2]
        import numpy as np
        from safetensors import safe_open
        from safetensors.numpy import save_file
        if mode == "make":
            save_file({f"layer{i}": np.full(4 << 20, i, dtype=np.uint8) for i in range(4)}, path)
            sys.exit(0)
        if mode == "cold":
            fd = os.open(path, os.O_RDONLY)
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)
        ctypes.CDLL(None).prctl(15, b"rt-safetensors", 0, 0, 0)  # PR_SET_NAME, for --comm
        with safe_open(path, framework="numpy") as f:
            total = sum(int(f.get_tensor(name).sum()) for name in f.keys())
        print(os.getpid(), total)
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let made = try RunningProcess("/usr/bin/python3", [script, file, "make"]).finish()
        try #require(made.status == 0, "safetensors and numpy (scripts/install-deps): \(made.standardError)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        let trace = try Trace(["--comm", "rt-safetensors"], in: scratch)
        let loads = try ["cold", "warm"].map { mode in
            let finished = try RunningProcess("/usr/bin/python3", [script, file, mode]).finish()
            try #require(finished.status == 0, "\(finished.standardError)")
            return try #require(Int32(finished.standardOutput.split(separator: " ").first ?? ""))
        }
        let dump = try trace.stop()
        for (pid, mode) in zip(loads, ["cold", "warm"]) {
            let entry = try #require(dump.read(pid: pid, path: file), "\(mode): no entry for \(file): \(dump.files)")
            let loaded = (entry.int("read_bytes") ?? 0) + (entry.int("mapped_bytes") ?? 0)
            #expect(loaded >= size && loaded <= size + 8192, "\(mode): the whole file, in whole pages: \(entry)")
            #expect(entry["load_s"] is Double, "\(mode): a mapped load is a load: \(entry)")
            if mode == "cold" { #expect(Self.isClose(entry.int("block_read_bytes"), to: size), "cold: \(entry)") }
        }
    }

    @Test("without bpf_loop, a bounded loop walks the same path")
    func pathWithoutBPFLoop() throws {
        let scratch = try ScratchDirectory()
        var directory = scratch.path
        for depth in 0..<12 { directory += "/level-\(depth)" }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/model.engine"
        try Data(count: 65536).write(to: URL(fileURLWithPath: file))
        let trace = try Trace(["--comm", "rt-noloop"], in: scratch, disabling: ["bpfLoop"])
        let reader = try runWorkload(["--file", file, "--name", "rt-noloop"])
        let dump = try trace.stop()
        let entry = try #require(dump.read(pid: reader.pid, path: file), "no entry for \(file): \(dump.files)")
        #expect(entry.int("read_bytes") == 65536)
    }

    @Test("the hidden variable rejects a name that is no feature in one line")
    func unknownFeatureName() throws {
        let finished = try RunningProcess(
            Paths.readtrace, ["features"], environment: withDisabledFeatures(["bpfLoop", "warpDrive"])
        ).finish()
        #expect(finished.status != 0)
        #expect(
            finished.standardError == "readtrace: READTRACE_DISABLE_FEATURES: warpDrive is not a feature (readtrace features lists them)\n")
    }
}
