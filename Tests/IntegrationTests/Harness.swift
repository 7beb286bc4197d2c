import Foundation
import Testing

/// Whether the privileged tests can run here, and whether they must (CI sets READTRACE_REQUIRE_BPF=1,
/// which turns "unavailable" into failures instead of skips).
enum BPFAvailability {
    static let required = ProcessInfo.processInfo.environment["READTRACE_REQUIRE_BPF"] == "1"

    static let unavailableReason: String? = {
        if geteuid() != 0 { return "not running as root" }
        if KernelFeatureReport.current?.features["btf"]?.supported == false { return "the kernel has no BTF" }
        return nil
    }()

    static var shouldRun: Bool { unavailableReason == nil || required }
    static var skipComment: Comment { Comment(rawValue: "BPF tests skipped: \(unavailableReason ?? "")") }
}

enum Paths {
    /// The repository root, from this file's location.
    static let repository: String = {
        var path = #filePath
        for _ in 0..<3 { path = (path as NSString).deletingLastPathComponent }
        return path
    }()

    /// Where swift build put the executables: beside the test bundle.
    static let products: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = (executable as NSString).deletingLastPathComponent
        while !FileManager.default.fileExists(atPath: directory + "/readtrace"), directory != "/" {
            directory = (directory as NSString).deletingLastPathComponent
        }
        return directory
    }()

    static var readtrace: String { products + "/readtrace" }
    static var workload: String { products + "/readtrace-workload" }
    static var schema: String { repository + "/schema/readtrace-dump-v1.schema.json" }
}

/// A scratch directory removed when the test ends.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = "/var/tmp/readtrace-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Creates a file of `size` bytes with varied content and returns its path.
    func file(_ name: String, size: Int) throws -> String {
        let filePath = path + "/" + name
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: filePath))
        return filePath
    }
}

/// Output of a finished process.
struct Finished {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// A process whose output goes to files, so it can be read while it runs.
final class RunningProcess {
    let process = Process()
    private let outputPath: String
    private let errorPath: String
    private let input = Pipe()

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        let base = "/var/tmp/readtrace-test-output-\(UUID().uuidString.prefix(8))"
        outputPath = base + ".out"
        errorPath = base + ".err"
        for path in [outputPath, errorPath] where !FileManager.default.createFile(atPath: path, contents: nil) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        // The test runner's threads block signals, and a child inherits the mask: start every
        // program through a trampoline that clears it, as a shell would have started it.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments =
            [
                "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                executable,
            ] + arguments
        if let environment { process.environment = environment }
        process.standardInput = input
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: outputPath)
        try? FileManager.default.removeItem(atPath: errorPath)
    }

    var pid: Int32 { process.processIdentifier }
    var standardError: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }
    var standardOutput: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    func sendLine() { input.fileHandleForWriting.write(Data("go\n".utf8)) }

    /// Waits (polling) until `condition` holds or the process exits; false on timeout or exit.
    func wait(upTo seconds: Double = 20, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            usleep(10_000)
        }
        return false
    }

    @discardableResult
    func finish(timeout seconds: Double = 60) -> Finished {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        return Finished(status: process.terminationStatus, standardOutput: standardOutput, standardError: standardError)
    }
}

/// A readtrace run writing a JSON dump.
final class Trace {
    let running: RunningProcess
    let dumpPath: String

    /// Starts readtrace with `arguments` plus --json and waits until it says it is tracing;
    /// with `setpriv` arguments, as the user and with the capabilities they give; with
    /// `disabling` features, as if the kernel lacked them (their fallbacks).
    init(_ arguments: [String], in scratch: ScratchDirectory, setpriv: [String] = [], disabling: [String] = []) throws {
        dumpPath = scratch.path + "/dump-\(UUID().uuidString.prefix(8)).json"
        let readtrace = [Paths.readtrace, "--json", dumpPath] + arguments
        let environment = disabling.isEmpty ? nil : withDisabledFeatures(disabling)
        running =
            setpriv.isEmpty
            ? try RunningProcess(readtrace[0], Array(readtrace.dropFirst()), environment: environment)
            : try RunningProcess("/usr/bin/setpriv", setpriv + readtrace, environment: environment)
        let attached = running.wait { self.running.standardError.contains("tracing with") }
        try #require(attached, "readtrace did not start tracing: \(running.standardError)")
    }

    /// Stops readtrace with `signal` and returns its dump (checked against the schema).
    func stop(with signal: Int32 = SIGINT) throws -> Dump {
        kill(running.pid, signal)
        let finished = running.finish()
        try #require(finished.status == 0, "readtrace exited with \(finished.status): \(finished.standardError)")
        return try Dump(path: dumpPath)
    }
}

/// This process's environment with readtrace's hidden variable naming `features` to treat as missing.
func withDisabledFeatures(_ features: [String]) -> [String: String] {
    ProcessInfo.processInfo.environment.merging(["READTRACE_DISABLE_FEATURES": features.joined(separator: ",")]) { $1 }
}

/// A parsed dump, read with JSONSerialization (independently of readtrace's own model).
struct Dump {
    let root: [String: Any]

    init(path: String) throws {
        try SchemaValidation.check(path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    var reads: [[String: Any]] { root["reads"] as? [[String: Any]] ?? [] }
    var files: [[String: Any]] { root["files"] as? [[String: Any]] ?? [] }
    var processes: [[String: Any]] { root["processes"] as? [[String: Any]] ?? [] }

    func file(path: String) -> [String: Any]? {
        files.first { $0["path"] as? String == path }
    }

    /// The reads entry of `pid` for the file at `path`.
    func read(pid: Int32, path: String) -> [String: Any]? {
        guard let id = file(path: path)?["file_id"] as? Int else { return nil }
        return reads.first { $0["pid"] as? Int == Int(pid) && $0["file_id"] as? Int == id }
    }

    /// Every pid with a reads entry for the file at `path`.
    func readers(of path: String) -> Set<Int> {
        guard let id = file(path: path)?["file_id"] as? Int else { return [] }
        return Set(reads.filter { $0["file_id"] as? Int == id }.compactMap { $0["pid"] as? Int })
    }
}

enum SchemaValidation {
    /// Runs scripts/validate-dump; a dump that does not match the schema fails the test.
    static func check(_ dumpPath: String) throws {
        let validator = try RunningProcess(Paths.repository + "/scripts/validate-dump", [Paths.schema, dumpPath])
        let result = validator.finish(timeout: 300)
        #expect(result.status == 0, "dump does not match the schema: \(result.standardOutput) \(result.standardError)")
    }
}

/// Runs the workload to completion and returns its pid and output.
@discardableResult
func runWorkload(_ arguments: [String]) throws -> (pid: Int32, output: String) {
    let workload = try RunningProcess(Paths.workload, arguments)
    let finished = workload.finish()
    try #require(finished.status == 0, "workload failed: \(finished.standardError)")
    return (workload.pid, finished.standardOutput)
}

extension Dictionary where Key == String, Value == Any {
    func int(_ key: String) -> Int? { self[key] as? Int }
}

/// A loop device over a sparse file in a scratch directory, detached at the end.
final class LoopDevice {
    let path: String
    var name: String { (path as NSString).lastPathComponent }

    /// With `partitioned`, the device gets a partition table with one partition (`path` + "p1").
    /// With `directIO`, the device reads its image with direct IO and the image is filled first,
    /// so every read reaches the disk below and takes a device's time, not a memory copy's.
    init(sizeMiB: Int, in scratch: ScratchDirectory, partitioned: Bool = false, directIO: Bool = false) throws {
        let backing = scratch.path + "/loop.img"
        try #require(FileManager.default.createFile(atPath: backing, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: backing))
        try handle.truncate(atOffset: UInt64(sizeMiB) << 20)
        try handle.close()
        if partitioned {
            let sfdisk = try RunningProcess("/bin/sh", ["-c", "echo 'start=2048, type=83' | /sbin/sfdisk -q \(backing)"])
            try #require(sfdisk.finish().status == 0, "sfdisk failed: \(sfdisk.standardError)")
        }
        if directIO {
            let fill = try RunningProcess("/bin/dd", ["if=/dev/zero", "of=\(backing)", "bs=1M", "count=\(sizeMiB)", "conv=fsync"]).finish()
            try #require(fill.status == 0, "filling the image: \(fill.standardError)")
        }
        let losetup = try RunningProcess(
            "/sbin/losetup",
            ["--find", "--show"] + (partitioned ? ["--partscan"] : [])
                + (directIO ? ["--direct-io=on"] : []) + [backing])
        let result = losetup.finish()
        try #require(result.status == 0, "losetup failed: \(result.standardError)")
        path = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        if partitioned {
            // Kernels built without the MBR parser do not scan it: add the partition by hand.
            _ = try RunningProcess("/usr/bin/partx", ["--add", path]).finish()
            try #require(FileManager.default.fileExists(atPath: path + "p1"), "no partition device \(path)p1")
        }
    }

    deinit {
        _ = try? RunningProcess("/sbin/losetup", ["--detach", path]).finish()
    }
}

/// An ext4 filesystem made on a loop device (or its first partition) and mounted in a scratch
/// directory; unmounted at the end.
final class LoopFilesystem {
    let loop: LoopDevice
    let device: String
    let mountPoint: String

    init(sizeMiB: Int, in scratch: ScratchDirectory, partitioned: Bool = false, directIO: Bool = false) throws {
        loop = try LoopDevice(sizeMiB: sizeMiB, in: scratch, partitioned: partitioned, directIO: directIO)
        device = partitioned ? loop.path + "p1" : loop.path
        mountPoint = scratch.path + "/mnt"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try #require(try RunningProcess("/sbin/mkfs.ext4", ["-q", device]).finish().status == 0)
        try #require(try RunningProcess("/bin/mount", [device, mountPoint]).finish().status == 0)
    }

    deinit {
        _ = try? RunningProcess("/bin/umount", [mountPoint]).finish()
    }

    /// Writes `size` bytes of varied content to a new file and returns its path.
    func file(_ name: String, size: Int) throws -> String {
        let path = mountPoint + "/" + name
        try Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 12) }).write(to: URL(fileURLWithPath: path))
        return path
    }
}
