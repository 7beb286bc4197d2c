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
    /// Loop devices, mounts, cgroups and scratch directories the demo could leave behind.
    static func leftovers() throws -> [String] {
        let loops = try RunningProcess("/sbin/losetup", ["--list", "--noheadings", "--output", "BACK-FILE"]).finish().standardOutput
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        let cgroups = (try? FileManager.default.contentsOfDirectory(atPath: TestCgroup.mountPoint)) ?? []
        let scratch = (try? FileManager.default.contentsOfDirectory(atPath: "/var/tmp")) ?? []
        return loops.split(separator: "\n").map(String.init).filter { $0.contains("readtrace-demo") }
            + mounts.split(separator: "\n").map(String.init).filter { $0.contains("readtrace-demo") }
            + cgroups.filter { $0.hasPrefix("readtrace-demo") } + scratch.filter { $0.hasPrefix("readtrace-demo") }
    }

    @Test("the demo stages a pod storm, shows the storm summary and the timeline, writes its files and leaves nothing behind")
    func completes() throws {
        #expect(try Self.leftovers().isEmpty, "a previous run left things behind")
        let scratch = try ScratchDirectory()
        let demo = try RunningProcess(
            Paths.readtrace,
            [
                "demo", "--pods", "2", "--size", "32M", "--json", scratch.path + "/demo.json",
                "--html", scratch.path + "/demo.html",
            ])
        let result = demo.finish(timeout: 120)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Load timeline:"))
        #expect(result.standardOutput.contains(": 2 loads overlapped"), "\(result.standardOutput)")
        let dump = try Dump(path: scratch.path + "/demo.json")
        // The readers' read calls are their engine files (a page fault on a library can add a mapped-only entry).
        let engineReads = dump.reads.filter { ($0.int("read_calls") ?? 0) > 0 }
        #expect(
            engineReads.count == 2 && engineReads.allSatisfy { $0.int("read_bytes") == 32 << 20 && $0.int("block_read_bytes") == 32 << 20 },
            "\(dump.reads)")
        #expect(Set(dump.processes.compactMap { $0["pod_uid"] as? String }).count == 2, "each reader in its own pod")
        #expect(dump.processes.allSatisfy { $0["comm"] as? String == "trtserver" })
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/demo.html"))
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
