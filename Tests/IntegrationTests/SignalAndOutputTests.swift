import Foundation
import Testing

/// How a run ends: every stop signal still writes the summary and the outputs; with a command,
/// Ctrl-C is the command's; an output that cannot be written does not take the others with it.
@Suite(
    "Signals and outputs at the end of a run", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct SignalAndOutputTests {
    @Test(
        "SIGHUP (a dropped ssh session) and SIGQUIT end the run with the summary and a complete dump",
        arguments: [SIGHUP, SIGQUIT])
    func hangupAndQuitWriteEverything(signal: Int32) throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("hup.bin", size: 40_000)
        let trace = try Trace(["--comm", "rt-hup"], in: scratch)
        let reader = try runWorkload(["--file", file, "--chunk", "8000", "--name", "rt-hup"])
        let dump = try trace.stop(with: signal)
        #expect(dump.read(pid: reader.pid, path: file)?.int("read_bytes") == 40_000)
        #expect(trace.running.standardOutput.contains("readtrace summary:"))
        #expect(try attachedReadtracePrograms() == 0, "probes must be detached once readtrace exits")
    }

    @Test("with -- COMMAND, Ctrl-C goes to the command and its reads are traced until it exits")
    func interruptGoesToTheCommand() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("after.bin", size: 30_000)
        let go = scratch.path + "/go"
        let dumpPath = scratch.path + "/command.json"
        // The command notes the Ctrl-C and carries on: it reads only after it.
        let ready = scratch.path + "/ready"
        let script = """
            trap 'echo command-got-int >&2' INT
            : > \(ready)
            while [ ! -e \(go) ]; do sleep 0.05; done
            \(Paths.workload) --file \(file) --chunk 5000 >/dev/null
            exit 5
            """
        let readtrace = try RunningProcess(Paths.readtrace, ["--json", dumpPath, "--quiet", "--", "/bin/sh", "-c", script])
        // The Ctrl-C goes once the command has set its trap.
        try #require(readtrace.wait { FileManager.default.fileExists(atPath: ready) })
        kill(readtrace.pid, SIGINT)
        #expect(readtrace.wait { readtrace.standardError.contains("command-got-int") }, "the command gets the Ctrl-C")
        #expect(readtrace.standardError.contains("Ctrl-C passed to the command"))
        #expect(readtrace.process.isRunning, "readtrace keeps tracing while the command runs")
        #expect(FileManager.default.createFile(atPath: go, contents: nil))
        let finished = readtrace.finish()
        #expect(finished.status == 5, "readtrace exits with the command's status: \(finished.standardError)")
        let dump = try Dump(path: dumpPath)
        let readers = dump.readers(of: file)
        #expect(readers.count == 1)
        #expect(readers.first.flatMap { dump.read(pid: Int32($0), path: file)?.int("read_bytes") } == 30_000)
    }

    @Test("a second Ctrl-C stops waiting for a command that ignores it, and says it was left running, with its pid")
    func secondInterruptLeavesTheCommand() throws {
        let scratch = try ScratchDirectory()
        let pidFile = scratch.path + "/pid"
        let script = "trap '' INT; echo $$ > \(pidFile); while true; do sleep 0.1; done"
        let readtrace = try RunningProcess(Paths.readtrace, ["--quiet", "--", "/bin/sh", "-c", script])
        try #require(readtrace.wait { FileManager.default.fileExists(atPath: pidFile) && readtrace.standardError.contains("tracing with") })
        let commandPid = try #require(
            Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(commandPid, SIGKILL) }
        kill(readtrace.pid, SIGINT)
        try #require(readtrace.wait { readtrace.standardError.contains("Ctrl-C again") })
        kill(readtrace.pid, SIGINT)
        #expect(readtrace.wait(upTo: 10) { readtrace.standardError.contains("the command (pid \(commandPid)) was left running") })
        #expect(readtrace.wait(upTo: 10) { !isAlive(readtrace.pid) }, "readtrace stops waiting")
        #expect(kill(commandPid, 0) == 0, "the command is still running")
        // Foundation's Process reported readtrace as running until the command it left had ended (seen here).
        kill(commandPid, SIGKILL)
        #expect(readtrace.finish(timeout: 10).status == 128 + SIGINT)
        #expect(try attachedReadtracePrograms() == 0)
    }

    @Test("an output on a full filesystem fails alone: the others are written and the exit status says so")
    func fullDiskFailsOneOutput() throws {
        let scratch = try ScratchDirectory()
        let full = scratch.path + "/full"
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        try #require(try RunningProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", full]).finish().status == 0)
        defer { _ = try? RunningProcess("/bin/umount", [full]).finish() }
        // Fill it: the dump's first megabyte cannot land.
        _ = try RunningProcess("/bin/dd", ["if=/dev/zero", "of=\(full)/filler", "bs=4k", "count=64"]).finish()
        let file = try scratch.file("full.bin", size: 20_000)
        let html = scratch.path + "/report.html"
        let events = scratch.path + "/events.json"
        let readtrace = try RunningProcess(
            Paths.readtrace,
            [
                "--comm", "rt-full", "--json", full + "/dump.json", "--html", html, "--trace-events", events, "--duration", "3s",
            ])
        try #require(readtrace.wait { readtrace.standardError.contains("tracing with") })
        try runWorkload(["--file", file, "--name", "rt-full"])
        let finished = readtrace.finish()
        #expect(finished.status == 1, "a failed output makes the run fail: \(finished.standardError)")
        #expect(finished.standardError.contains("cannot write \(full)/dump.json: No space left on device"))
        #expect(!FileManager.default.fileExists(atPath: full + "/dump.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: full) == ["filler"], "no temporary file is left")
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("full.bin"))
        #expect(try String(contentsOfFile: events, encoding: .utf8).contains("full.bin"))
    }
}

/// Whether `pid` still runs (a zombie waiting to be reaped has ended).
private func isAlive(_ pid: Int32) -> Bool {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    return !status.contains(") Z ")
}

@Suite(
    "Files deeper than the kernel's path walk", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct DeepPathIntegrationTests {
    @Test("a file 40 directories deep gets its whole path while its reader has it open, and --path globs on that path match")
    func deepFileNamedWhole() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.path + (1...40).map { "/level\($0)" }.joined()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/deep.engine"
        try Data(repeating: 7, count: 8 << 20).write(to: URL(fileURLWithPath: file))
        let trace = try Trace(["--comm", "rt-deep", "--path", scratch.path + "/level1/*/level40/*.engine"], in: scratch)
        // A loader that keeps the file open a while after its first read, as loaders do.
        let script = "import os, time; f = os.open(\"\(file)\", os.O_RDONLY); os.read(f, 4096); time.sleep(1); os.read(f, 1 << 20)"
        let reader = try RunningProcess("/usr/bin/python3", ["-c", "import ctypes; ctypes.CDLL(None).prctl(15, b'rt-deep'); " + script])
        #expect(reader.finish().status == 0)
        let dump = try trace.stop()
        let entry = try #require(dump.file(path: file), "the whole path, not the kernel's last 32 components: \(dump.files)")
        #expect(entry["path_truncated"] == nil)
        #expect(dump.read(pid: reader.pid, path: file)?.int("read_bytes") == 4096 + (1 << 20))
    }
}

@Suite(
    "The event loop under a flood of records", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct FloodTests {
    @Test("a reader faster than readtrace drains does not stop the live view's refreshes or a stop signal")
    func refreshesUnderFlood() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("flood.bin", size: 8 << 20)
        let readtrace = try RunningProcess(Paths.readtrace, ["--comm", "rt-flood", "--interval", "200ms", "--buffer-size", "64M"])
        try #require(readtrace.wait { readtrace.standardError.contains("tracing with") })
        // Cached 4 KiB reads: far more records a second than a debug build decodes.
        let flood = try RunningProcess(Paths.workload, ["--file", file, "--chunk", "4096", "--repeat", "400", "--name", "rt-flood"])
        defer { kill(flood.pid, SIGKILL) }
        #expect(flood.wait(upTo: 3) { false } == false)
        let refreshes = readtrace.standardOutput.components(separatedBy: "readtrace  elapsed").count - 1
        kill(readtrace.pid, SIGTERM)
        let finished = readtrace.finish(timeout: 30)
        #expect(refreshes >= 8, "the live view refreshed \(refreshes) times in about 3 s at 200 ms")
        #expect(finished.status == 0 && finished.standardOutput.contains("readtrace summary:"))
    }
}
