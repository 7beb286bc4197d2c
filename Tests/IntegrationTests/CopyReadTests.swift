import Foundation
import Testing

/// Reads that never pass read(2) in user space: the in-kernel copies (sendfile, splice,
/// copy_file_range) counted as reads of their source file, checked against fio's own byte
/// counts and against Python's os module, warm and cold, on a private loop device.
@Suite(
    "Copies and fio engines with the real BPF programs", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct CopyReadTests {
    static let fioSize = 16 << 20

    /// Runs `arguments` as readtrace's command (traced with its children) and returns the dump.
    static func traceCommand(_ arguments: [String], in scratch: ScratchDirectory, options: [String] = []) throws -> (Dump, Finished) {
        let dumpPath = scratch.path + "/command-\(UUID().uuidString.prefix(8)).json"
        let readtrace = try RunningProcess(Paths.readtrace, ["--json", dumpPath, "--quiet"] + options + ["--"] + arguments)
        let finished = readtrace.finish(timeout: 180)
        try #require(finished.status == 0, "readtrace or its command failed: \(finished.standardError)")
        return (try Dump(path: dumpPath), finished)
    }

    /// The bytes every traced process read from `path`, and its calls and errors.
    static func totals(_ dump: Dump, _ path: String) -> (bytes: Int, calls: Int, errors: Int, block: Int, cacheMiss: Int) {
        let entries = dump.readers(of: path).compactMap { dump.read(pid: Int32($0), path: path) }
        func sum(_ key: String) -> Int { entries.reduce(0) { $0 + ($1.int(key) ?? 0) } }
        return (sum("read_bytes"), sum("read_calls"), sum("error_calls"), sum("block_read_bytes"), sum("cache_miss_bytes"))
    }

    /// Evicts a file's pages (written back first) so the next read comes from the device.
    static func dropPages(_ path: String) throws {
        let script =
            "import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); "
            + "os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)"
        try #require(try RunningProcess("/usr/bin/python3", ["-c", script, path]).finish().status == 0)
    }

    static func warmUp(_ path: String) throws {
        try #require(try RunningProcess("/bin/cat", [path]).finish().status == 0)
    }

    /// The fio engines readtrace counts exactly, with the options that select a read path.
    static let fioEngines: [String] = [
        "sync", "psync", "pvsync2", "posixaio", "splice", "libaio", "libaio --direct=1 --iodepth=8",
        "io_uring", "io_uring --direct=1", "io_uring --fixedbufs", "io_uring --registerfiles",
        "io_uring --sqthread_poll", "io_uring --registerfiles --sqthread_poll --direct=1",
    ]

    @Test("fio reads a whole file with each supported engine, warm and cold, in one session: read_bytes is fio's io_bytes")
    func fioEngines() throws {
        // One fio run with a job per engine and temperature, each reading its own file, traced in
        // one session (as scripts/vmtest does): a session and a fio start per job cost seconds each.
        let scratch = try ScratchDirectory()
        let jobs = Self.fioEngines.flatMap { configuration in [false, true].map { (configuration, cold: $0) } }
        let filesystem = try LoopFilesystem(sizeMiB: (jobs.count + 1) * (Self.fioSize >> 20) + 128, in: scratch)
        let content = try filesystem.file("fio-content", size: Self.fioSize)
        var arguments = [
            "/usr/bin/fio", "--rw=read", "--bs=64k", "--size=\(Self.fioSize)", "--output-format=json",
            "--output=\(scratch.path)/fio.json",
        ]
        var files: [String: String] = [:]
        for (index, (configuration, cold)) in jobs.enumerated() {
            let name = "job\(index)-\(cold ? "cold" : "warm")"
            let file = filesystem.mountPoint + "/\(name).engine"
            try FileManager.default.copyItem(atPath: content, toPath: file)
            if cold { try Self.dropPages(file) } else { try Self.warmUp(file) }
            files[name] = file
            let words = configuration.split(separator: " ").map(String.init)
            // fio drops a file's pages before its job by default (invalidate=1): warm jobs keep them.
            arguments += ["--name=\(name)", "--filename=\(file)", "--ioengine=\(words[0])", "--invalidate=\(cold ? 1 : 0)"]
            arguments += words.dropFirst()
        }
        let (dump, _) = try Self.traceCommand(arguments, in: scratch)
        #expect(dump.root["lost_events"] as? Int == 0)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/fio.json")))
                as? [String: Any])
        let reported = try #require(report["jobs"] as? [[String: Any]])
        try #require(reported.count == jobs.count, "fio reported \(reported.count) jobs of \(jobs.count)")
        for (index, (configuration, cold)) in jobs.enumerated() {
            let name = "job\(index)-\(cold ? "cold" : "warm")"
            let job = try #require(reported.first { $0["jobname"] as? String == name })
            let fioBytes = try #require((job["read"] as? [String: Any])?.int("io_bytes"))
            #expect(fioBytes == Self.fioSize, "\(configuration): fio read the whole file")
            let got = Self.totals(dump, try #require(files[name]))
            #expect(got.bytes == fioBytes, "\(configuration) cold=\(cold): readtrace \(got), fio io_bytes \(fioBytes)")
            #expect(got.errors == 0, "\(configuration) cold=\(cold): \(got)")
            // Cold, the file's block reads and page-cache misses are its size (within 2%): a Linux AIO
            // submission is a read in flight like read(2); io_uring's misses are kept for the file
            // until its reads complete. (Direct io_uring reads are not attributed to the file at the
            // block layer: no call is in flight when they are issued.)
            let direct = configuration.contains("--direct=1")
            let within = { (bytes: Int) in abs(bytes - Self.fioSize) <= Self.fioSize / 50 }
            if cold && !(configuration.hasPrefix("io_uring") && direct) {
                #expect(within(got.block), "\(configuration): block bytes \(got.block) of \(Self.fioSize)")
            }
            if cold && !direct {
                #expect(within(got.cacheMiss), "\(configuration): cache-miss bytes \(got.cacheMiss) of \(Self.fioSize)")
            }
        }
    }

    @Test(
        "the light hook sees buffered copies, io_uring and libaio reads through the page cache, not direct ones",
        .enabled(if: KernelFeatureReport.shouldRun("filemapGetPages"), KernelFeatureReport.skipComment("filemapGetPages")),
        arguments: ["splice", "io_uring", "libaio", "io_uring --direct=1"])
    func lightHookPaths(configuration: String) throws {
        let words = configuration.split(separator: " ").map(String.init)
        let scratch = try ScratchDirectory()
        let file = try scratch.file("light-\(words[0]).engine", size: Self.fioSize)
        let output = scratch.path + "/fio.json"
        try Self.warmUp(file)
        let (dump, _) = try Self.traceCommand(
            [
                "/usr/bin/fio", "--name=rt", "--filename=\(file)", "--rw=read", "--bs=64k",
                "--size=\(Self.fioSize)", "--ioengine=\(words[0])", "--invalidate=0", "--output-format=json", "--output=\(output)",
            ]
                + words.dropFirst(), in: scratch, options: ["--hook", "light"])
        #expect(dump.root["hook"] as? String == "light")
        let got = Self.totals(dump, file)
        // Whole pages of a page-aligned file: exact for buffered reads; direct IO is not seen.
        #expect(got.bytes == (words.contains("--direct=1") ? 0 : Self.fioSize), "\(configuration): \(got)")
    }

    @Test(
        "Python's os.sendfile and os.copy_file_range: the source's bytes, for the calling process, warm and cold",
        arguments: ["sendfile", "copy_file_range"], [false, true])
    func pythonCopy(call: String, cold: Bool) throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 256, in: scratch)
        let size = 64 << 20
        let source = try filesystem.file("source.engine", size: size)
        let target = filesystem.mountPoint + "/copy.engine"
        if cold { try Self.dropPages(source) } else { try Self.warmUp(source) }
        let script = """
            import os, sys
            call, source, target = sys.argv[1:]
            src = os.open(source, os.O_RDONLY)
            dst = os.open("/dev/null" if call == "sendfile" else target, os.O_WRONLY | os.O_CREAT, 0o600)
            total = 0
            while True:
                n = os.sendfile(dst, src, total, 1 << 20) if call == "sendfile" else os.copy_file_range(src, dst, 1 << 20)
                if n == 0:
                    break
                total += n
            print(os.getpid(), total)
            """
        let (dump, finished) = try Self.traceCommand(["/usr/bin/python3", "-c", script, call, source, target], in: scratch)
        let printed = finished.standardOutput.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(printed.count == 2, "python printed: \(finished.standardOutput) \(finished.standardError)")
        #expect(printed[1] == size)
        let entry = try #require(dump.read(pid: Int32(printed[0]), path: source), "no entry for \(source)")
        #expect(entry.int("read_bytes") == size, "\(call): \(entry)")
        #expect(entry.int("read_calls") == 64 + 1, "64 copies of 1 MiB and the one that returns 0")
        #expect(dump.readers(of: source) == [printed[0]], "only the calling process read the source")
        #expect(
            dump.file(path: target).flatMap { $0.int("file_id") }.map { id in
                dump.reads.contains { $0.int("file_id") == id && ($0.int("read_bytes") ?? 0) > 0 }
            } != true,
            "the target is written, not read")
        if cold {
            #expect((entry.int("block_read_bytes") ?? 0) > 0, "a cold copy reads from the device: \(entry)")
        }
    }

    @Test("preadv2 with RWF_NOWAIT on a cold file: EAGAIN counts as an error, not bytes; warm, the bytes count")
    func nowaitRead() throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 64, in: scratch)
        let size = 4 << 20
        let file = try filesystem.file("nowait.engine", size: size)
        try Self.dropPages(file)
        let script = """
            import errno, os, sys
            fd = os.open(sys.argv[1], os.O_RDONLY)
            buffer = bytearray(1 << 20)
            eagain = 0
            try:
                os.preadv(fd, [buffer], 0, os.RWF_NOWAIT)
                print("no-eagain")
            except BlockingIOError:
                eagain += 1
            while os.read(fd, 1 << 20):
                pass
            warm = 0
            for offset in range(0, os.fstat(fd).st_size, 1 << 20):
                warm += os.preadv(fd, [buffer], offset, os.RWF_NOWAIT)
            print(os.getpid(), eagain, warm)
            """
        let (dump, finished) = try Self.traceCommand(["/usr/bin/python3", "-c", script, file], in: scratch)
        let printed = finished.standardOutput.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        try #require(printed.count == 3, "python printed: \(finished.standardOutput) \(finished.standardError)")
        try #require(printed[1] == 1, "the cold RWF_NOWAIT read did not fail with EAGAIN: the test proves nothing")
        #expect(printed[2] == size)
        let entry = try #require(dump.read(pid: Int32(printed[0]), path: file))
        // The plain reads (size, then 0 at the end) and the warm RWF_NOWAIT reads: each byte twice.
        #expect(entry.int("read_bytes") == 2 * size, "\(entry)")
        #expect(entry.int("error_calls") == 1, "the EAGAIN: \(entry)")
        #expect(entry.int("read_calls") == (size >> 20) + 1 + (size >> 20), "\(entry)")
    }
}
