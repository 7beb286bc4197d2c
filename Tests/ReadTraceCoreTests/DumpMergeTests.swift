import Testing

@testable import ReadTraceCore

/// Several nodes' dumps as one: `readtrace report A B`.
@Suite struct DumpMergeTests {
    /// A node's dump: pid 100 loads /models/1.engine (100 MiB) from its loop0 over 3 s.
    static func node(_ hostname: String, startedAt: String, pod: String? = nil, path: String? = nil) -> DumpDocument {
        var dump = StormFixture.dump(
            [StormFixture.Load(pid: 100, inode: 1, begin: 0, seconds: 3, path: path, pod: pod)], utilization: [100, 100, 100])
        dump.host.hostname = hostname
        dump.startedAt = startedAt
        return dump
    }

    @Test("two nodes' dumps merge on wall-clock time: the later one's times move by the gap, pids and devices stay apart by host")
    func wallClock() throws {
        let merged = try DumpMerge.merge([
            Self.node("node-b", startedAt: "2026-12-01T10:00:02.500Z"), Self.node("node-a", startedAt: "2026-12-01T10:00:00.000Z"),
        ])
        #expect(merged.startedAt == "2026-12-01T10:00:00.000Z")
        #expect(merged.mergedFrom?.map(\.label) == ["node-b", "node-a"])
        #expect(merged.mergedFrom?.map(\.offsetSeconds) == [2.5, 0])
        #expect(merged.durationSeconds == 5.5)
        #expect(merged.processes.map(\.host) == ["node-b", "node-a"])
        #expect(merged.processes.map(\.pid) == [100, 100])
        #expect(merged.files.map(\.fileID) == [1, 2])
        #expect(merged.files.map(\.deviceName) == ["node-b:loop0", "node-a:loop0"])
        #expect(merged.devices.map(\.name) == ["node-b:loop0", "node-a:loop0"])
        let firstReads = merged.reads.map(\.firstReadSeconds)
        #expect(abs(firstReads[0] - firstReads[1] - 2.5) < 1e-6)
        // The timeline's buckets (0.1 s) move by 25 empty ones.
        #expect(merged.reads[0].timeline.readBytes.prefix(25).allSatisfy { $0 == 0 })
        #expect(merged.reads[0].timeline.readBytes.count == merged.reads[1].timeline.readBytes.count + 25)
        #expect(merged.devices[0].samples.first?.seconds == 3.5)
        // Each load finds its own process, on its own host.
        #expect(merged.loads.map { $0.process?.host } == ["node-a", "node-b"])
        // The merged dump is a valid dump: it reads back as it was written.
        #expect(try DumpDocument.decode(merged.encoded()) == merged)
        #expect(try DumpTests.schemaStatus(of: merged) == 0)
        // report --json writes it in pieces: the same bytes.
        var streamed: [UInt8] = []
        try merged.write { streamed += $0 }
        #expect(try streamed == merged.encoded())
    }

    @Test("read amplification and concurrency count every host: two nodes loading one model at once read it 2x, 2 at once")
    func amplificationAcrossHosts() throws {
        let merged = try DumpMerge.merge([
            Self.node("node-a", startedAt: "2026-12-01T10:00:00.000Z"), Self.node("node-b", startedAt: "2026-12-01T10:00:01.000Z"),
        ])
        let profiles = FileProfile.profiles(of: merged, rule: LoadRule(), key: FileKey())
        #expect(profiles.count == 1)
        let profile = try #require(profiles.first)
        #expect(profile.readers == 2)
        #expect(profile.hosts == 2)
        #expect(profile.concurrentReaders == 2)
        #expect(profile.readAmplification == 2)
        // Loads on two hosts' loop0 are no storm on one device.
        #expect(StormSummary.paragraphs(merged, rule: LoadRule()).joined().contains("no two loads overlapped on one device"))
        let report = DumpReport(width: 80).render(merged)
        #expect(report.contains("2.0x"))
        #expect(report.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(report)")
        #expect(report.contains("node-a ") && report.contains("node-b "))
        // The same pid on two hosts is two tracks in the trace events, each named with its host.
        let names = TraceEventsDocument(merged).traceEvents.filter { $0.name == "process_name" && $0.pid != TraceEventsDocument.devicesPid }
        #expect(Set(names.map(\.pid)).count == 2)
        #expect(names.contains { $0.args["name"] == .text("node-b trtserver 100") })
    }

    @Test("marked phases survive a merge: markers once, spans and breakdowns on the merged clock with their host, drawn per host")
    func marksAcrossHosts() throws {
        func marked(_ hostname: String, startedAt: String) -> DumpDocument {
            var dump = Self.node(hostname, startedAt: startedAt)
            dump.markers = [DumpDocument.Marker(name: "deserialize", definition: "deserialize=libnvinfer.so:deserializeCudaEngine")]
            dump.marks = [DumpDocument.Mark(name: "deserialize", pid: 100, tid: 101, startSeconds: 3, durationSeconds: 1, bytes: nil)]
            dump.phaseBreakdown = [
                DumpDocument.PhaseBreakdown(
                    pid: 100, windowStartSeconds: 0, windowSeconds: 4, readSeconds: 3, deviceWaitSeconds: 2,
                    phases: [DumpDocument.PhaseBreakdown.Phase(name: "deserialize", seconds: 1)], neitherSeconds: 0)
            ]
            return dump
        }
        let merged = try DumpMerge.merge([
            marked("node-b", startedAt: "2026-12-01T10:00:02.000Z"), marked("node-a", startedAt: "2026-12-01T10:00:00.000Z"),
        ])
        #expect(merged.markers?.map(\.name) == ["deserialize"])
        // In the order they started on the merged clock: node-a's at 3 s, node-b's at 2 + 3 s.
        #expect(merged.marks?.map(\.host) == ["node-a", "node-b"])
        #expect(merged.marks?.map(\.startSeconds) == [3, 5])
        #expect(merged.phaseBreakdown?.map(\.host) == ["node-b", "node-a"])
        #expect(merged.phaseBreakdown?.map(\.windowStartSeconds) == [2, 0])
        // It reads back as written (the spans name a process on their host), and the schema has it.
        #expect(try DumpDocument.decode(merged.encoded()) == merged)
        #expect(try DumpTests.schemaStatus(of: merged) == 0)
        var elsewhere = merged
        elsewhere.marks?[0].host = "node-c"
        #expect(throws: DumpDocument.DecodingFailure.self) { try DumpDocument.decode(elsewhere.encoded()) }

        let report = DumpReport(width: 120).render(merged)
        #expect(
            report.contains("deserialize node-a trtserver 100 ×1") && report.contains("deserialize node-b trtserver 100 ×1"), "\(report)")
        #expect(report.contains("node-a trtserver 100: 4.00s from") && report.contains("node-b trtserver 100: 4.00s from"), "\(report)")
        let phases = TraceEventsDocument(merged).traceEvents.filter { $0.category == "phase" }
        #expect(Set(phases.map(\.pid)).count == 2, "each host's span on its own process track")
    }

    @Test("the same hostname twice is told apart; a merged dump, a bad started_at or another loaded share are refused, naming the dump")
    func refusals() throws {
        #expect(DumpMerge.labels(["n", "n", "a b\u{1B}:#", ""]) == ["n", "n#2", "a_b___", "host"])
        let a = Self.node("n", startedAt: "2026-12-01T10:00:00.000Z")
        let merged = try DumpMerge.merge([a, a])
        #expect(throws: DumpMerge.Refusal(index: 1, problem: "merged_from: a merged dump; give the dumps it was merged from")) {
            try DumpMerge.merge([a, merged])
        }
        var late = a
        late.startedAt = "yesterday"
        #expect(throws: DumpMerge.Refusal.self) { try DumpMerge.merge([a, late]) }
        var other = a
        other.loadedShare = 0.5
        let refusal = #expect(throws: DumpMerge.Refusal.self) { try DumpMerge.merge([a, other]) }
        #expect(refusal?.index == 1)
        #expect(refusal?.problem.hasPrefix("loaded_share:") == true)
    }

    @Test("a merged dump with a process on no listed host, or a pid twice on one host, is refused field by field")
    func validation() throws {
        var merged = try DumpMerge.merge([
            Self.node("a", startedAt: "2026-12-01T10:00:00.000Z"), Self.node("b", startedAt: "2026-12-01T10:00:00.000Z"),
        ])
        merged.processes[1].host = "c"
        let problems = DumpValidation(merged).problems
        #expect(problems.contains("processes[1].host: 'c' is no label of merged_from"))
        #expect(problems.contains("reads[1].pid: 100 refers to no process") || problems.contains("reads[0].pid: 100 refers to no process"))
        merged.processes[1].host = "a"
        #expect(DumpValidation(merged).problems.contains("processes[1].pid: 100 is listed twice"))
    }

    @Test("report's filters select as tracing would: --comm, --pod and --path keep the matching reads and what they refer to")
    func selection() throws {
        let pod = "0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab"
        var dump = StormFixture.dump(
            [
                StormFixture.Load(pid: 100, inode: 1, begin: 0, seconds: 1, pod: pod),
                StormFixture.Load(pid: 200, inode: 2, begin: 0, seconds: 1, path: "/models/b.onnx", comm: "python3"),
            ], utilization: [100])
        dump.startedAt = "2026-12-01T10:00:00.000Z"
        #expect(DumpSelection(comms: ["python3"]).apply(to: dump).reads.map(\.pid) == [200])
        #expect(DumpSelection(pods: ["0b9f3c2e"]).apply(to: dump).processes.map(\.pid) == [100])
        let byPath = DumpSelection(paths: ["*.onnx"]).apply(to: dump)
        #expect(byPath.files.map(\.path) == ["/models/b.onnx"])
        #expect(DumpValidation(byPath).problems.isEmpty)
        #expect(DumpSelection(comms: ["trtserver"], paths: ["*.onnx"]).apply(to: dump).reads.isEmpty)
    }

    @Test("--group-by pod sums a pod's processes reading one file into one row; processes outside a pod keep their own")
    func groupByPod() throws {
        let pod = "0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab"
        var dump = StormFixture.dump(
            [
                StormFixture.Load(pid: 100, inode: 1, begin: 0, seconds: 1, pod: pod),
                StormFixture.Load(pid: 101, inode: 1, begin: 0.5, seconds: 1, pod: pod),
                StormFixture.Load(pid: 200, inode: 1, begin: 0, seconds: 1),
            ], utilization: [100, 100])
        dump.startedAt = "2026-12-01T10:00:00.000Z"
        let rows = DumpReport(width: 120, grouping: .pod).rows(dump.loads)
        #expect(rows.count == 2)
        let podRow = try #require(rows.first { $0.process?.podUID != nil })
        #expect(podRow.bytes == 200 << 20)
        #expect(podRow.read.firstReadSeconds == 0 || abs(podRow.read.firstReadSeconds) < 0.02)
        #expect(podRow.shownGroup == "pod 0b9f3c2e")
        let text = DumpReport(width: 80, grouping: .pod).render(dump)
        #expect(text.contains("GROUP") && !text.contains(" PID "))
        #expect(text.contains("trtserver 200"))
    }
}
