import Foundation
import Testing

/// The real BPF programs on this kernel, driven through the readtrace binary.
@Suite(
    "Tracing reads with the real BPF programs", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct ReadTracingTests {
    static let fileSize = 1 << 20 | 1234  // the last read of each pass is short
    static let chunk = 64 << 10

    /// Successful calls for one pass: full chunks, the short one, and the read that returns 0.
    static let callsPerPass = fileSize / chunk + 1 + 1

    @Test(
        "each read syscall is counted with the bytes it returned, and failed reads as errors",
        arguments: ["read", "pread64", "readv", "preadv", "preadv2", "sendfile", "splice", "copy_file_range"])
    func eachSyscallIsCounted(syscall: String) throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("model-\(syscall).engine", size: Self.fileSize)
        let name = "rt-\(syscall)"
        let trace = try Trace(["--comm", name], in: scratch)
        let traced = try runWorkload([
            "--file", file, "--syscall", syscall, "--chunk", "\(Self.chunk)",
            "--repeat", "2", "--failing-reads", "3", "--name", name,
        ])
        let other = try runWorkload(["--file", file, "--syscall", syscall, "--chunk", "\(Self.chunk)", "--name", "rt-other"])
        let dump = try trace.stop()

        let entry = try #require(dump.read(pid: traced.pid, path: file), "no reads entry for \(file)")
        #expect(entry.int("read_bytes") == 2 * Self.fileSize)
        #expect(entry.int("read_calls") == 2 * Self.callsPerPass)
        #expect(entry.int("error_calls") == 3)
        #expect(dump.readers(of: file) == [Int(traced.pid)], "pid \(other.pid) does not match --comm and must be absent")
        #expect(dump.root["hook"] as? String == "tracepoint" || dump.root["hook"] as? String == "fentry")
        let latency = try #require(entry["latency_us"] as? [String: Any])
        let p50 = try #require(latency["p50"] as? Double)
        let p99 = try #require(latency["p99"] as? Double)
        let max = try #require(latency["max"] as? Double)
        #expect(p50 > 0 && p50 <= p99 && p99 <= max)
        let timeline = try #require(entry["timeline"] as? [String: Any])
        let buckets = try #require(timeline["read_bytes"] as? [Int])
        #expect(buckets.reduce(0, +) == 2 * Self.fileSize)
    }

    @Test("a process named with --pid is traced, all its threads, and nothing else is")
    func pidFilter() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("weights.safetensors", size: 300_000)
        let waiting = try RunningProcess(Paths.workload, ["--file", file, "--chunk", "4096", "--wait-stdin"])
        let trace = try Trace(["--pid", "\(waiting.pid)"], in: scratch)
        try runWorkload(["--file", file, "--chunk", "4096"])
        waiting.sendLine()
        #expect(waiting.finish().status == 0)
        let dump = try trace.stop()

        let entry = try #require(dump.read(pid: waiting.pid, path: file))
        #expect(entry.int("read_bytes") == 300_000)
        #expect(entry.int("read_calls") == 300_000 / 4096 + 1 + 1)
        #expect(dump.readers(of: file) == [Int(waiting.pid)])
        #expect((dump.root["filters"] as? [String: Any])?["pid"] as? [Int] == [Int(waiting.pid)])
    }

    @Test("--cgroup traces processes in the cgroup and in cgroups below it")
    func cgroupFilter() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("cgroup.bin", size: 200_000)
        let cgroups = try TestCgroup(name: "readtrace-test-\(UUID().uuidString.prefix(8))")
        let insideChild = try RunningProcess(Paths.workload, ["--file", file, "--chunk", "8192", "--wait-stdin"])
        let outside = try RunningProcess(Paths.workload, ["--file", file, "--chunk", "8192", "--wait-stdin"])
        try cgroups.move(insideChild.pid, into: cgroups.child)

        let trace = try Trace(["--cgroup", cgroups.relativePath], in: scratch)
        insideChild.sendLine()
        outside.sendLine()
        #expect(insideChild.finish().status == 0 && outside.finish().status == 0)
        let dump = try trace.stop()

        #expect(dump.readers(of: file) == [Int(insideChild.pid)])
        #expect(dump.read(pid: insideChild.pid, path: file)?.int("read_bytes") == 200_000)
        let process = dump.processes.first { $0["pid"] as? Int == Int(insideChild.pid) }
        #expect(process?["cgroup"] as? String == cgroups.relativePath + "/leaf")
    }

    @Test("-- COMMAND traces the command and the children it forks, and exits with its status")
    func commandMode() throws {
        let scratch = try ScratchDirectory()
        let first = try scratch.file("first.bin", size: 100_000)
        let second = try scratch.file("second.bin", size: 70_000)
        let bystander = try RunningProcess(Paths.workload, ["--file", first, "--chunk", "4096", "--wait-stdin"])
        let dumpPath = scratch.path + "/command.json"
        let script = """
            sleep 0.3
            \(Paths.workload) --file \(first) --chunk 4096 >/dev/null &
            \(Paths.workload) --file \(second) --chunk 4096 >/dev/null
            wait
            exit 3
            """
        let readtrace = try RunningProcess(Paths.readtrace, ["--json", dumpPath, "--quiet", "--", "/bin/sh", "-c", script])
        #expect(readtrace.wait { readtrace.standardError.contains("tracing with") })
        bystander.sendLine()
        #expect(bystander.finish().status == 0)
        let finished = readtrace.finish()
        #expect(finished.status == 3, "readtrace must exit with the command's status: \(finished.standardError)")
        #expect(finished.standardOutput.isEmpty, "--quiet prints nothing on standard output")
        let dump = try Dump(path: dumpPath)

        let firstReaders = dump.readers(of: first)
        #expect(firstReaders.count == 1 && !firstReaders.contains(Int(bystander.pid)))
        #expect(dump.readers(of: second).count == 1)
        #expect(firstReaders != dump.readers(of: second), "each workload is its own forked process")
        for path in [first, second] {
            let pid = try #require(dump.readers(of: path).first)
            #expect(dump.read(pid: Int32(pid), path: path)?.int("read_bytes") == (path == first ? 100_000 : 70_000))
        }
    }

    @Test("SIGTERM mid-run still writes a complete dump and detaches")
    func sigtermWritesDump() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("term.bin", size: 50_000)
        let trace = try Trace(["--comm", "rt-term"], in: scratch)
        let reader = try runWorkload(["--file", file, "--chunk", "10000", "--name", "rt-term"])
        let dump = try trace.stop(with: SIGTERM)
        #expect(dump.read(pid: reader.pid, path: file)?.int("read_bytes") == 50_000)
        #expect((dump.root["duration_s"] as? Double ?? 0) > 0)
        #expect(try attachedReadtracePrograms() == 0, "probes must be detached once readtrace exits")
        let output = trace.running.standardOutput
        #expect(!output.contains("\u{1B}"), "no screen control codes when standard output is not a terminal")
        #expect(output.contains("readtrace summary:") && output.contains("/term.bin"))
    }

    @Test(
        "a file deleted while open keeps its full path and is marked deleted, before or after its first read",
        arguments: ["--unlink", "--unlink-midway"])
    func deletedFile(when: String) throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("deleted.engine", size: 40_000)
        let trace = try Trace(["--comm", "rt-deleted"], in: scratch)
        let reader = try runWorkload(["--file", file, "--chunk", "4096", "--repeat", "2", when, "--name", "rt-deleted"])
        let dump = try trace.stop()
        #expect(!FileManager.default.fileExists(atPath: file))
        let entry = try #require(dump.file(path: file))
        #expect(entry["deleted"] as? Bool == true)
        #expect(dump.read(pid: reader.pid, path: file)?.int("read_bytes") == 80_000)
    }

    @Test("--path shows and dumps only matching files")
    func pathFilter() throws {
        let scratch = try ScratchDirectory()
        let engine = try scratch.file("a.engine", size: 10_000)
        let text = try scratch.file("b.txt", size: 10_000)
        let trace = try Trace(["--comm", "rt-glob", "--path", "*.engine"], in: scratch)
        try runWorkload(["--file", engine, "--name", "rt-glob"])
        try runWorkload(["--file", text, "--name", "rt-glob"])
        let dump = try trace.stop()
        #expect(dump.file(path: engine) != nil)
        #expect(dump.file(path: text) == nil)
        #expect(dump.files.allSatisfy { ($0["path"] as? String)?.hasSuffix(".engine") == true })
    }

    @Test("pipes and devices are ignored unless --all-files is given", arguments: [false, true])
    func nonRegularFiles(allFiles: Bool) throws {
        let scratch = try ScratchDirectory()
        let dumpPath = scratch.path + "/pipes.json"
        let arguments =
            ["--json", dumpPath, "--quiet"] + (allFiles ? ["--all-files"] : [])
            + ["--", "/bin/sh", "-c", "head -c 100000 /dev/zero | cat > /dev/null"]
        let readtrace = try RunningProcess(Paths.readtrace, arguments)
        #expect(readtrace.finish().status == 0, "\(readtrace.standardError)")
        let dump = try Dump(path: dumpPath)
        let zeroReads = dump.file(path: "/dev/zero") != nil
        #expect(zeroReads == allFiles, "/dev/zero is a character device")
        let pipeBytes = dump.reads.filter { read in
            let id = read["file_id"] as? Int
            let path = dump.files.first { $0["file_id"] as? Int == id }?["path"] as? String ?? ""
            return !path.hasPrefix("/")
        }.compactMap { $0.int("read_bytes") }.reduce(0, +)
        #expect(allFiles ? pipeBytes == 100_000 : pipeBytes == 0, "cat reads 100000 bytes from the pipe")
    }
}

/// A cgroup v2 tree made for a test (parent/leaf), removed at the end.
final class TestCgroup {
    static let mountPoint = "/sys/fs/cgroup/unified"
    let relativePath: String
    var child: String { Self.mountPoint + relativePath + "/leaf" }

    init(name: String) throws {
        relativePath = "/" + name
        try FileManager.default.createDirectory(atPath: child, withIntermediateDirectories: true)
    }

    func move(_ pid: Int32, into directory: String) throws {
        try "\(pid)\n".write(toFile: directory + "/cgroup.procs", atomically: false, encoding: .utf8)
    }

    deinit {
        // Processes must have left (they have exited) before the directories can go.
        rmdir(child)
        rmdir(Self.mountPoint + relativePath)
    }
}

/// How many BPF programs named like readtrace's are loaded right now.
func attachedReadtracePrograms() throws -> Int {
    let bpftool = try RunningProcess("/usr/sbin/bpftool", ["prog", "show"])
    let listing = bpftool.finish().standardOutput
    return ["name enter_read ", "name exit_read ", "name fentry_vfs_read "].map {
        listing.components(separatedBy: $0).count - 1
    }.reduce(0, +)
}

@Suite(
    "Tracing edge cases with the real BPF programs", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct TracingEdgeCaseTests {
    @Test("--pid counts the reads of every thread of the process")
    func threadsOfAPid() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("shared.bin", size: 100_000)
        let reader = try RunningProcess(Paths.workload, ["--file", file, "--chunk", "4096", "--threads", "4", "--wait-stdin"])
        let trace = try Trace(["--pid", "\(reader.pid)"], in: scratch)
        reader.sendLine()
        #expect(reader.finish().status == 0)
        let dump = try trace.stop()
        let entry = try #require(dump.read(pid: reader.pid, path: file))
        #expect(entry.int("read_bytes") == 4 * 100_000)
        #expect(entry.int("read_calls") == 4 * (100_000 / 4096 + 1 + 1))
    }

    @Test("under sudo the command runs as the invoking user, who also owns the dump")
    func commandRunsAsSudoUser() throws {
        let scratch = try ScratchDirectory()
        chmod(scratch.path, 0o777)
        let identity = scratch.path + "/identity"
        let dumpPath = scratch.path + "/sudo.json"
        var environment = ProcessInfo.processInfo.environment
        environment["SUDO_UID"] = "65534"
        environment["SUDO_GID"] = "65534"
        let readtrace = try RunningProcess(
            Paths.readtrace,
            [
                "--quiet", "--json", dumpPath, "--", "/bin/sh", "-c",
                "id -u > \(identity); id -g >> \(identity)",
            ],
            environment: environment)
        #expect(readtrace.finish().status == 0, "\(readtrace.standardError)")
        #expect(try String(contentsOfFile: identity, encoding: .utf8) == "65534\n65534\n")
        let dump = try Dump(path: dumpPath)
        #expect(dump.root["schema_version"] as? Int == 1)
        let owner = try FileManager.default.attributesOfItem(atPath: dumpPath)[.ownerAccountID] as? NSNumber
        #expect(owner?.intValue == 65534, "the dump belongs to the user who ran sudo")
    }

    @Test("a path that is not UTF-8 is dumped as valid JSON with its exact bytes in path_base64")
    func nonUTF8Path() throws {
        let scratch = try ScratchDirectory()
        let dumpPath = scratch.path + "/latin1.json"
        // The shell makes the name: \351 is é in Latin-1, an invalid byte in UTF-8.
        let script = "name=$(printf '\(scratch.path)/caf\\351.bin'); head -c 5000 /dev/zero > \"$name\"; cat \"$name\" > /dev/null"
        let readtrace = try RunningProcess(
            Paths.readtrace,
            [
                "--quiet", "--json", dumpPath, "--path", "*.bin",
                "--", "/bin/sh", "-c", script,
            ])
        #expect(readtrace.finish().status == 0, "\(readtrace.standardError)")
        let dump = try Dump(path: dumpPath)
        let file = try #require(dump.files.first)
        #expect(file["path"] as? String == scratch.path + "/caf\u{FFFD}.bin")
        let encoded = try #require(file["path_base64"] as? String)
        let exact = try #require(Data(base64Encoded: encoded))
        #expect(exact == Data((scratch.path + "/caf").utf8) + Data([0xE9]) + Data(".bin".utf8))
        #expect(dump.reads.first?.int("read_bytes") == 5000)
    }

    @Test("--duration ends the run by itself, with plain periodic output and a dump")
    func durationEndsTheRun() throws {
        let scratch = try ScratchDirectory()
        let dumpPath = scratch.path + "/duration.json"
        let started = Date()
        let readtrace = try RunningProcess(
            Paths.readtrace,
            [
                "--duration", "1500ms", "--interval", "500ms",
                "--comm", "rt-nobody", "--json", dumpPath,
            ])
        let finished = readtrace.finish(timeout: 20)
        let elapsed = Date().timeIntervalSince(started)
        #expect(finished.status == 0, "\(finished.standardError)")
        #expect(elapsed >= 1.5 && elapsed < 10, "ran \(elapsed) s")
        let frames = finished.standardOutput.components(separatedBy: "readtrace  elapsed").count - 1
        #expect(frames == 2 || frames == 3, "a frame every 500 ms: \(frames)")
        let dump = try Dump(path: dumpPath)
        let duration = try #require(dump.root["duration_s"] as? Double)
        #expect(duration >= 1.5 && duration < 2.5)
    }

    @Test("--hook tracepoint is honoured, and auto takes fentry, then kprobe, as far as readtrace features reports them")
    func hookSelection() throws {
        let scratch = try ScratchDirectory()
        var hooks: [String: String] = [:]
        var notes: [String: String] = [:]
        for choice in ["tracepoint", "auto"] {
            let trace = try Trace(["--hook", choice, "--comm", "rt-hook"], in: scratch)
            notes[choice] = trace.running.standardError
            hooks[choice] = try trace.stop().root["hook"] as? String
        }
        #expect(hooks["tracepoint"] == "tracepoint")
        let features = try KernelFeatureReport.read().features
        let fastestSupported =
            features["fentry"]?.supported == true
            ? "fentry"
            : features["kprobes"]?.supported == true ? "kprobe" : "tracepoint"
        #expect(hooks["auto"] == fastestSupported, "\(notes["auto"] ?? "")")
    }

    @Test("records that find the ring buffer full are counted as lost and reported everywhere")
    func lostEventsAreReported() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("tiny-reads.bin", size: 40_000)
        let trace = try Trace(["--buffer-size", "4K", "--comm", "rt-lost"], in: scratch)
        // With readtrace stopped nothing drains the 4 KiB ring buffer: it holds about 70 records.
        kill(trace.running.pid, SIGSTOP)
        try runWorkload(["--file", file, "--chunk", "1", "--name", "rt-lost"])
        kill(trace.running.pid, SIGCONT)
        let dump = try trace.stop()
        let lost = try #require(dump.root["lost_events"] as? Int)
        let counted = dump.reads.compactMap { $0.int("read_calls") }.reduce(0, +)
        let made = 40_000 + 1
        #expect(lost > 39_000, "only what fits 4 KiB can be sent")
        #expect(counted + lost >= made, "every read is either counted or lost: \(counted) + \(lost)")
        #expect(trace.running.standardOutput.contains("WARNING: \(lost) events were lost"))
        #expect(trace.running.standardError.contains("\(lost) events were lost"))
    }
}
