import Foundation
import ReadTraceCore
import Testing

@Suite(
    "Device context from /proc/diskstats", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct DeviceContextTests {
    /// iostat -x report lines for one device: column name → values, one per report.
    static func iostatColumns(_ output: String, device: String) -> [String: [Double]] {
        var header: [Substring] = []
        var columns: [String: [Double]] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.first == "Device" || fields.first == "Device:" { header = fields }
            guard fields.first.map(String.init) == device, fields.count == header.count else { continue }
            for (name, value) in zip(header.dropFirst(), fields.dropFirst()) {
                columns[String(name), default: []].append(Double(value.replacingOccurrences(of: ",", with: ".")) ?? .nan)
            }
        }
        return columns
    }

    static func middleMean(_ values: [Double]) -> Double {
        let middle = values.dropFirst().dropLast()
        return middle.reduce(0, +) / Double(max(middle.count, 1))
    }

    @Test("r/s, rMB/s and %util agree with iostat -x over the same seconds of a steady read")
    func agreesWithIostat() throws {
        let scratch = try ScratchDirectory()
        // Reads that reach the disk below (a memory-speed loop device's %util jumps between
        // 3% and 60% from one second to the next), at a steady pace: the two tools' one-second
        // windows cannot be aligned exactly, and a load running flat out swings too much
        // between seconds on a busy two-core machine.
        let loop = try LoopDevice(sizeMiB: 128, in: scratch, directIO: true)
        let load = try RunningProcess(
            "/usr/bin/fio",
            [
                "--name=steady", "--filename=\(loop.path)", "--rw=read", "--direct=1",
                "--bs=128k", "--rate_iops=1500", "--ioengine=psync", "--time_based",
                "--runtime=12", "--output=/dev/null",
            ])
        defer { load.finish(timeout: 20) }
        usleep(1_000_000)

        let dumpPath = scratch.path + "/devices.json"
        let iostat = try RunningProcess(
            "/usr/bin/iostat", ["-d", "-x", "-m", "-y", "1", "6", loop.name],
            environment: ["LC_ALL": "C", "S_TIME_FORMAT": "ISO"])
        let readtrace = try RunningProcess(
            Paths.readtrace,
            [
                "--devices", loop.name, "--interval", "1s", "--duration", "6s",
                "--comm", "rt-nobody", "--quiet", "--json", dumpPath,
            ])
        let iostatResult = iostat.finish(timeout: 30)
        let readtraceResult = readtrace.finish(timeout: 30)
        try #require(iostatResult.status == 0, "iostat: \(iostatResult.standardError)")
        try #require(readtraceResult.status == 0, "readtrace: \(readtraceResult.standardError)")

        let expected = Self.iostatColumns(iostatResult.standardOutput, device: loop.name)
        let dump = try Dump(path: dumpPath)
        let devices = try #require(dump.root["devices"] as? [[String: Any]])
        let device = try #require(devices.first { $0["name"] as? String == loop.name })
        let samples = try #require(device["samples"] as? [[String: Any]])
        try #require(
            samples.count >= 5 && (expected["r/s"]?.count ?? 0) >= 5, "\(samples.count) samples, iostat: \(iostatResult.standardOutput)")

        for (ours, theirs) in [("read_iops", "r/s"), ("read_mib_s", "rMB/s"), ("util_pct", "%util")] {
            let readtraceMean = Self.middleMean(samples.compactMap { $0[ours] as? Double })
            let iostatMean = Self.middleMean(try #require(expected[theirs]))
            print(
                "readtrace \(ours) \(TextFormat.fixed(readtraceMean, decimals: 2)) vs iostat \(theirs) \(TextFormat.fixed(iostatMean, decimals: 2))"
            )
            if theirs != "%util" { #expect(iostatMean > 1, "the load must be visible to iostat: \(theirs) = \(iostatMean)") }
            // Windows offset by a fraction of a second differ by a fraction of how much the
            // figure moves from one second to the next: half iostat's own range allows for that.
            let middle = try #require(expected[theirs]).dropFirst().dropLast()
            let spread = (middle.max() ?? 0) - (middle.min() ?? 0)
            #expect(
                abs(readtraceMean - iostatMean) <= max(0.05 * iostatMean, 1, spread / 2),
                "\(ours) \(readtraceMean) vs iostat \(theirs) \(iostatMean), iostat's range \(spread)")
        }
    }

    @Test("a file on a partition names the partition and its disk", arguments: [false, true])
    func filesNameTheirDevice(partitioned: Bool) throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 64, in: scratch, partitioned: partitioned)
        let file = try filesystem.file("model.engine", size: 1 << 20)

        let trace = try Trace(["--comm", "rt-device"], in: scratch)
        let reader = try runWorkload(["--file", file, "--chunk", "65536", "--name", "rt-device"])
        let dump = try trace.stop()
        #expect(dump.read(pid: reader.pid, path: file)?.int("read_bytes") == 1 << 20)
        let entry = try #require(dump.file(path: file))
        let deviceName = (filesystem.device as NSString).lastPathComponent
        #expect(entry["device_name"] as? String == deviceName)
        #expect(entry["disk_name"] as? String == filesystem.loop.name)
        let devices = dump.root["devices"] as? [[String: Any]] ?? []
        let listed = devices.first { $0["name"] as? String == deviceName }
        #expect(listed?["disk"] as? String == filesystem.loop.name, "the device holding a traced file is in the dump, with its disk")
    }
}
