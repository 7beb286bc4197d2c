import Foundation
import Testing

/// A Kubernetes-style pod made of real cgroups in the cgroup v2 hierarchy, created on demand:
/// ROOT/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<uid>.slice/cri-containerd-<id>.scope
final class PodCgroup {
    let uid = UUID().uuidString.lowercased()
    let containerID = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: 0...UInt64.max)) }.joined()
    private(set) var directories: [String] = []
    var container: String { directories.last ?? "" }

    /// Makes the pod's cgroups (and the shared parents still missing).
    func create(under root: String) throws {
        let pod = "kubepods-besteffort-pod" + uid.replacingOccurrences(of: "-", with: "_") + ".slice"
        var path = root
        for component in ["kubepods.slice", "kubepods-besteffort.slice", pod, "cri-containerd-\(containerID).scope"] {
            path += "/" + component
            if !FileManager.default.fileExists(atPath: path) {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
                directories.append(path)
            }
        }
    }

    func move(_ pid: Int32) throws {
        try "\(pid)\n".write(toFile: container + "/cgroup.procs", atomically: false, encoding: .utf8)
    }

    /// Removes what `create` made, children first; its processes must have exited.
    func remove() {
        for directory in directories.reversed() { rmdir(directory) }
        directories = []
    }
}

@Suite("Pods and containers", .serialized, .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct PodTests {
    @Test("--pod traces the selected pods, also one scheduled after readtrace started; the storm summary agrees with the test's clock")
    func podStorm() throws {
        let scratch = try ScratchDirectory()
        // Reads that reach the disk below take long enough for loads started together to overlap.
        let filesystem = try LoopFilesystem(sizeMiB: 256, in: scratch, directIO: true)
        let files = try ["a", "b", "c"].map { try filesystem.file("\($0).engine", size: 48 << 20) }
        let root = TestCgroup.mountPoint + "/readtrace-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        let early = PodCgroup()
        let late = PodCgroup()
        let bystander = PodCgroup()
        defer {
            // The bystander was created last, below the parents the early pod made.
            for pod in [bystander, late, early] { pod.remove() }
            rmdir(root)
        }
        try early.create(under: root)
        try bystander.create(under: root)
        let readers = try files.map {
            try RunningProcess(Paths.workload, ["--file", $0, "--chunk", "1048576", "--drop-cache", "--name", "trtserver", "--wait-stdin"])
        }
        try early.move(readers[0].pid)
        try bystander.move(readers[2].pid)

        // Prefixes: the systemd form of the late pod's uid (underscores) must match too.
        let html = scratch.path + "/storm.html"
        let traceEvents = scratch.path + "/storm.trace.json"
        let trace = try Trace(
            [
                "--pod", String(early.uid.prefix(13)),
                "--pod", String(late.uid.replacingOccurrences(of: "-", with: "_").prefix(18)),
                "--interval", "200ms", "--html", html, "--trace-events", traceEvents,
            ], in: scratch)
        // The late pod's cgroups appear after readtrace started, then its process is put in
        // and starts, as the kubelet and the runtime do.
        try late.create(under: root)
        try late.move(readers[1].pid)
        usleep(300_000)
        let started = Date()
        for reader in readers { reader.sendLine() }
        let results = readers.map { $0.finish() }
        let wallSeconds = Date().timeIntervalSince(started)
        #expect(results.allSatisfy { $0.status == 0 })
        let dump = try trace.stop()

        #expect(dump.readers(of: files[0]) == [Int(readers[0].pid)])
        #expect(dump.readers(of: files[1]) == [Int(readers[1].pid)], "the pod that started later is traced")
        #expect(dump.readers(of: files[2]).isEmpty, "the bystander pod is not selected")
        for (reader, pod) in [(readers[0], early), (readers[1], late)] {
            let process = try #require(dump.processes.first { $0["pid"] as? Int == Int(reader.pid) })
            #expect(process["pod_uid"] as? String == pod.uid)
            #expect(process["container_id"] as? String == pod.containerID)
            #expect(process["container_runtime"] as? String == "containerd")
            #expect(dump.read(pid: reader.pid, path: files[readers.firstIndex { $0 === reader }!])?.int("read_bytes") == 48 << 20)
        }
        #expect((dump.root["filters"] as? [String: Any])?["pod"] as? [String] != nil)

        // The storm: the two traced loads overlapped; the time until the last finished lies
        // between the longest single load (as the readers timed themselves) and the test's wall clock.
        let report = try RunningProcess(Paths.readtrace, ["report", trace.dumpPath, "--width", "160"]).finish()
        // The paragraph is wrapped at --width: read it as one line.
        let storm = report.standardOutput.prose(from: "Storm summary")
        #expect(storm.contains(": 2 loads overlapped from ") && storm.contains(", up to 2 at once (first at "), "\(report.standardOutput)")
        let afterFirst = try #require(storm.firstMatch(of: /the last finished ([0-9.]+) s after/).flatMap { Double($0.1) })
        let longest =
            results.prefix(2).compactMap { result in
                result.standardOutput.firstMatch(of: /elapsed_ns=([0-9]+)/).flatMap { Double($0.1) }.map { $0 / 1e9 }
            }.max() ?? .infinity
        #expect(
            afterFirst >= longest - 0.02 && afterFirst <= wallSeconds + 0.02,
            "storm \(afterFirst) s; longest load \(longest) s; wall clock \(wallSeconds) s")

        // The HTML report renders in a real browser without JavaScript: one bar per load (a page
        // fault on a library is no load), a screenshot with something on it.
        try HeadlessChromium.check(html, loads: dump.countedLoads)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("pod \(early.uid.prefix(8))") && page.contains("pod \(late.uid.prefix(8))"))

        // The trace-event file names both processes' tracks and has a slice per load.
        let events = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: traceEvents))) as? [String: Any])
        let slices = (events["traceEvents"] as? [[String: Any]] ?? []).filter { $0["ph"] as? String == "X" }
        #expect(Set(slices.compactMap { $0["pid"] as? Int }) == [Int(readers[0].pid), Int(readers[1].pid)])
    }
}

@Suite("readtrace demo", .serialized, .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct DemoTests {
    /// Where this host's blkio hierarchy is mounted, if it keeps one beside cgroup v2.
    static let blkioHierarchy = "/sys/fs/cgroup/blkio"

    /// Loop devices, mounts, cgroups (v2 and blkio) and scratch directories the demo could leave behind.
    static func leftovers() throws -> [String] {
        let loops = try RunningProcess("/sbin/losetup", ["--list", "--noheadings", "--output", "BACK-FILE"]).finish().standardOutput
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        let cgroups =
            ((try? FileManager.default.contentsOfDirectory(atPath: TestCgroup.mountPoint)) ?? [])
            + ((try? FileManager.default.contentsOfDirectory(atPath: blkioHierarchy)) ?? []).map { "blkio:" + $0 }
        let scratch = (try? FileManager.default.contentsOfDirectory(atPath: "/var/tmp")) ?? []
        return loops.split(separator: "\n").map(String.init).filter { $0.contains("readtrace-demo") }
            + mounts.split(separator: "\n").map(String.init).filter { $0.contains("readtrace-demo") }
            + cgroups.filter { $0.hasPrefix("readtrace-demo") || $0.hasPrefix("blkio:readtrace-demo") }
            + scratch.filter { $0.hasPrefix("readtrace-demo") }
    }

    /// Whether the v2 hierarchy offers the io controller (then the demo uses io.max).
    static var v2HasIOController: Bool {
        ((try? String(contentsOfFile: TestCgroup.mountPoint + "/cgroup.controllers", encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isWhitespace).contains("io")
    }

    /// Each engine load in the dump by first read: its bytes and load time.
    static func engineLoads(_ dump: Dump) -> [(seconds: Double, first: Double, bytes: Int)] {
        dump.reads.filter { ($0.int("read_calls") ?? 0) > 0 }
            .compactMap { read in
                guard let seconds = read["load_s"] as? Double, let first = read["first_read_s"] as? Double else { return nil }
                return (seconds, first, read.int("read_bytes") ?? 0)
            }
            .sorted { $0.first < $1.first }
    }

    @Test("the demo loads one pod alone, then the storm, on a disk limited to a shared bandwidth; it leaves nothing behind")
    func completes() throws {
        #expect(try Self.leftovers().isEmpty, "a previous run left things behind")
        let scratch = try ScratchDirectory()
        let demo = try RunningProcess(
            Paths.readtrace,
            [
                "demo", "--pods", "2", "--size", "32M", "--disk-mibps", "50", "--json", scratch.path + "/demo.json",
                "--html", scratch.path + "/demo.html",
            ])
        let result = demo.finish(timeout: 120)
        #expect(result.status == 0, "\(result.standardError)")
        let mechanism = Self.v2HasIOController ? "cgroup v2 io.max" : "cgroup v1 blkio.throttle.read_bps_device"
        #expect(result.standardError.contains("limited to 50 MiB/s shared by all pods (\(mechanism)"), "\(result.standardError)")
        #expect(result.standardOutput.contains("Load timeline:"))
        let dump = try Dump(path: scratch.path + "/demo.json")
        // The solo load first, then the two of the storm, each 32 MiB read whole from the disk.
        let loads = Self.engineLoads(dump)
        try #require(loads.count == 3 && loads.allSatisfy { $0.bytes == 32 << 20 }, "\(dump.reads)")
        #expect(loads[0].first + loads[0].seconds < loads[1].first, "the solo load ended before the storm began")
        // The loads take as long as the bandwidth implies: 32 MiB at 50 MiB/s alone (0.64 s),
        // 64 MiB shared at 50 MiB/s in the storm (1.28 s from its first read to its last load's
        // end; the reader started first has the bandwidth to itself for a moment). The throttle
        // grants its budget per 100 ms slice, so a load can start up to one slice's budget
        // (5 MiB, 16% of 32 MiB) ahead; it can lag by scheduling on a busy 2-CPU machine. Hence
        // 0.8x to 1.25x.
        let storm = (loads[1...].map { $0.first + $0.seconds }.max() ?? 0) - loads[1].first
        for (seconds, implied) in [(loads[0].seconds, 0.64), (storm, 1.28)] {
            #expect(seconds >= implied * 0.8 && seconds <= implied * 1.25, "took \(seconds) s, the bandwidth implies \(implied) s")
        }
        // The storm summary compares each load with the one alone: about 2x slower, really.
        let text = result.standardOutput.split(separator: "\n").joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(text.contains(": 2 loads overlapped") && text.contains("Alone earlier in the run, trtserver "), "\(text)")
        let slowdown = try #require(text.firstMatch(of: /each load ran ([0-9.]+)× slower/).flatMap { Double($0.1) }, "\(text)")
        #expect(slowdown >= 1.6 && slowdown <= 2.4, "two loads sharing the bandwidth one had alone: \(slowdown)×")
        // It ends with readtrace diff of the load alone against the storm, each pod's copy of the
        // engine one model: read twice over, by two at once, the slowest load about twice as long.
        #expect(
            text.contains("readtrace diff: the load alone (before) against the storm (after): 1 file in both, 1 regressed"), "\(text)")
        let diffRows = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("before ") || $0.hasPrefix("after ") }
        try #require(diffRows.count == 2, "\(result.standardOutput)")
        let columns = diffRows.map { $0.split(separator: " ") }
        #expect(columns[0].contains("1.0x") && columns[1].contains("2.0x") && columns[1].contains("!"), "\(diffRows)")
        let loadTimes = columns.compactMap { Double($0[1]) }
        try #require(loadTimes.count == 2, "\(diffRows)")
        #expect(loadTimes[1] / loadTimes[0] >= 1.6 && loadTimes[1] / loadTimes[0] <= 2.4, "\(diffRows)")
        #expect(Set(dump.processes.compactMap { $0["pod_uid"] as? String }).count == 2, "each reader in its own pod")
        #expect(dump.processes.allSatisfy { $0["comm"] as? String == "trtserver" })
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/demo.html"))
        let left = try Self.leftovers()
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("where no cgroup interface can limit the disk, the demo says so in one line and runs unthrottled")
    func withoutLimit() throws {
        // In a private mount namespace without the blkio hierarchy, a host whose v2 hierarchy has
        // no io controller (this one) offers neither.
        let scratch = try ScratchDirectory()
        let demo = try RunningProcess(
            "/usr/bin/unshare",
            [
                "--mount", "--propagation", "private", "/bin/sh", "-c",
                "umount \(Self.blkioHierarchy) 2>/dev/null; exec \"$0\" demo --pods 2 --size 16M --disk-mibps 10 --json \"$1\"",
                Paths.readtrace,
                scratch.path + "/demo.json",
            ])
        let result = demo.finish(timeout: 120)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("readtrace demo: ") }
        if Self.v2HasIOController {
            #expect(lines.count == 1 && lines[0].contains("(cgroup v2 io.max"), "\(lines)")
        } else {
            #expect(
                lines.count == 1 && lines[0].contains("has no io controller and no cgroup v1 blkio hierarchy is mounted")
                    && lines[0].hasSuffix("the demo runs unthrottled, at the host disk's speed"), "\(lines)")
            // Unthrottled: each 16 MiB load takes far less than the 1.6 s (alone) that 10 MiB/s would imply.
            let loads = Self.engineLoads(try Dump(path: scratch.path + "/demo.json"))
            #expect(loads.count == 3 && loads.allSatisfy { $0.seconds < 0.8 }, "\(loads)")
        }
        let left = try Self.leftovers()
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("Ctrl-C while the demo sets up or traces still removes everything it made", arguments: ["setting up", "tracing with"])
    func interrupted(at stage: String) throws {
        // Large files make the setup long enough to interrupt.
        let demo = try RunningProcess(Paths.readtrace, ["demo", "--pods", "2", "--size", stage == "setting up" ? "2G" : "32M"])
        if stage == "setting up" {
            #expect(demo.wait { (try? Self.leftovers().contains { $0.hasPrefix("readtrace-demo") && !$0.contains("/") }) == true })
            usleep(300_000)
        } else {
            #expect(demo.wait { demo.standardError.contains("tracing with") })
        }
        kill(demo.pid, SIGINT)
        let result = demo.finish(timeout: 60)
        if stage == "setting up" {
            #expect(result.status != 0 && result.standardError.contains("interrupted while setting up"), "\(result.standardError)")
        }
        let left = try Self.leftovers()
        #expect(left.isEmpty, "left behind: \(left)")
    }
}
