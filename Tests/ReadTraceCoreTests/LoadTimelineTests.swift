import Foundation
import Testing
@testable import ReadTraceCore

@Suite("Load timeline and storm summary")
struct LoadTimelineTests {
    static let start: UInt64 = 1_000_000_000
    static let loop0 = DeviceNumber(major: 7, minor: 0)
    static let podPath = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab.slice"

    /// pid 10 loads a.engine alone (100 MiB in 1 s), then pids 11 and 12 load b and c together
    /// (100 MiB each over 2 s) while the device is saturated; 20 MiB per 0.1 s bucket, evenly.
    static func dump() -> DumpDocument {
        var aggregate = TraceAggregate(startNanoseconds: start) { record in
            TracedProcess(record: record, cgroupPath: record.pid == 10 ? nil : podPath + "/cri-containerd-\(String(repeating: "ab", count: 32)).scope")
        }
        let mib: UInt64 = 1 << 20
        for (pid, inode, begin, seconds) in [(10, 1, 0.0, 1.0), (11, 2, 2.0, 2.0), (12, 3, 2.0, 2.0)] as [(Int32, UInt64, Double, Double)] {
            let file = FileID(device: loop0, inode: inode)
            aggregate.record(.process(ProcessRecord(pid: pid, parentPid: 1, cgroupID: 1, comm: "trtserver")))
            aggregate.record(.file(FileRecord(id: file, path: Array("/models/\(inode).engine".utf8), sizeBytes: 100 * mib,
                                              kind: .regular, deleted: false)))
            let calls = 100
            for call in 0..<calls {
                let end = start + UInt64((begin + seconds * Double(call + 1) / Double(calls)) * 1e9)
                aggregate.record(.read(ReadRecord(pid: pid, threadID: pid, file: file, endNanoseconds: end,
                                                  latencyNanoseconds: UInt64(seconds / Double(calls) * 1e9), result: Int64(mib),
                                                  cacheMissBytes: mib)))
            }
        }
        var history = DeviceHistory(startNanoseconds: start)
        var ticks: UInt64 = 0
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0", at: start))
        for second in 1...5 {
            ticks += second >= 3 ? 1000 : 500  // saturated while the two loads overlap
            history.record(DiskStatsSnapshot(parsing: "7 0 loop0 \(second * 100) 0 \(second * 204800) 1 0 0 0 0 0 \(ticks) \(ticks)",
                                             at: start + UInt64(second) * 1_000_000_000))
        }
        let metadata = RunMetadata(toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
                                   startedAtUnixSeconds: 0, durationSeconds: 5, filters: .init(), counters: KernelCounters())
        return DumpDocument(aggregate: aggregate, metadata: metadata, pathFilter: PathFilter([]), deviceHistory: history)
    }

    @Test("the storm is the loads that overlapped, measured against the fastest load")
    func storm() throws {
        let storms = StormSummary.storms(in: Self.dump())
        let storm = try #require(storms.first)
        #expect(storms.count == 1 && storm.device == "loop0")
        #expect(storm.loads == 2 && storm.mostAtOnce == 2, "the solo load is the yardstick, not part of the storm")
        #expect(abs(storm.fastestMiBPerSecond - 100) < 1.5, "100 MiB in about a second: \(storm.fastestMiBPerSecond)")
        #expect(abs(storm.combinedMiBPerSecond - 100) < 1.5, "200 MiB in about 2 s: \(storm.combinedMiBPerSecond)")
        #expect(abs(storm.slowdown.mean - 2) < 0.05 && abs(storm.slowdown.most - 2) < 0.05)
        #expect(abs(storm.lastFinishedSeconds - storm.startSeconds - 2) < 0.05)
        #expect(storm.samples == 2 && storm.saturatedShare == 1, "the seconds 2-3 and 3-4 were saturated")
        let text = StormSummary.paragraphs(Self.dump()).first ?? ""
        #expect(text.hasPrefix("loop0: 2 loads overlapped (up to 2 at once)"), "\(text)")
        #expect(text.contains("100% util for 100% of that time (2 of 2 diskstats samples)"), "\(text)")
    }

    @Test("one row per load on a shared axis, with its pod, the device's util and the overlap")
    func timeline() throws {
        let lines = LoadTimeline(width: 144).render(Self.dump())
        #expect(lines.count == 1 + 3 + 1 + 1, "header, three loads, loop0, overlap: \(lines)")
        #expect(lines.allSatisfy { $0.count <= 144 })
        let rows = lines.dropFirst().prefix(3)
        #expect(rows.first?.hasPrefix("trtserver 10 1.engine ") == true)
        #expect(rows.dropFirst().allSatisfy { $0.contains("pod 0b9f3c2e") }, "\(rows)")
        #expect(rows.allSatisfy { $0.contains("|") }, "every load finished: \(rows)")
        // 100 columns for 5 s: the first load fills columns 0-19, the others 40-79.
        let bars = rows.map { Array($0.dropFirst(LoadTimeline.labelWidth + 1)) }
        #expect(bars[0][5] == "█" && bars[0][30] == " " && bars[1][5] == " " && bars[1][60] != " ")
        #expect(lines[4].hasPrefix("loop0 %util") && Array(lines[4].dropFirst(LoadTimeline.labelWidth + 1))[50] == "█")
        #expect(Array(lines[5].dropFirst(LoadTimeline.labelWidth + 1))[50] == "2")
    }

    @Test("the report of a dump lists its loads, then the timeline and the storm")
    func report() {
        let text = DumpReport.render(Self.dump(), width: 144)
        #expect(text.contains("5.0s traced with tracepoint hooks"))
        #expect(text.contains("Load timeline:") && text.contains("loop0: 2 loads overlapped"))
        #expect(text.split(separator: "\n").filter { $0.contains("trtserver") && $0.contains("(/models/") }.count == 3)
    }
}

@Suite("Trace-event export")
struct TraceEventsTests {
    @Test("every event carries the fields the trace-event format requires for its phase")
    func requiredFields() throws {
        let bytes = try TraceEventsDocument(LoadTimelineTests.dump()).encoded()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        #expect(root["displayTimeUnit"] as? String == "ms")
        for event in events {
            let phase = try #require(event["ph"] as? String)
            #expect(event["name"] is String && event["pid"] is Int, "\(event)")
            switch phase {
            case "X":
                #expect(event["ts"] is Double && event["tid"] is Int, "\(event)")
                #expect(((event["dur"] as? Double) ?? -1) >= 0, "\(event)")
            case "C":
                let args = try #require(event["args"] as? [String: Any])
                #expect(event["ts"] is Double && !args.isEmpty && args.values.allSatisfy { $0 is Double }, "\(event)")
            case "M":
                #expect(((event["args"] as? [String: Any])?["name"]) is String, "\(event)")
            default:
                Issue.record("unexpected phase \(phase)")
            }
        }
        let slices = events.filter { $0["ph"] as? String == "X" }
        #expect(slices.count == 3, "a slice per load")
        let second = try #require(slices.first { $0["pid"] as? Int == 11 })
        #expect((second["ts"] as? Double) == 2_000_000.0, "the first read started 10 ms before it ended at 2.01 s")
        #expect(events.contains { $0["name"] as? String == "loop0 %util" && $0["ph"] as? String == "C" })
        #expect(events.contains { ($0["args"] as? [String: Any])?["name"] as? String == "trtserver 11 pod 0b9f3c2e-6d1a-4b7e-9a8c-1234567890ab" })
    }
}

@Suite("HTML report")
struct HTMLReportTests {
    @Test("the page is self-contained and a path cannot break out of the embedded dump or the tables")
    func selfContained() throws {
        var aggregate = TraceAggregate(startNanoseconds: LoadTimelineTests.start)
        let file = FileID(device: LoadTimelineTests.loop0, inode: 9)
        aggregate.record(.file(FileRecord(id: file, path: Array("/m/</script><b>x</b>.engine".utf8), sizeBytes: 10, kind: .regular, deleted: false)))
        aggregate.record(.read(ReadRecord(pid: 5, threadID: 5, file: file, endNanoseconds: LoadTimelineTests.start + 10, latencyNanoseconds: 5, result: 10)))
        let metadata = RunMetadata(toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
                                   startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(pods: ["0b9f"]), counters: KernelCounters())
        let page = try HTMLReport.render(DumpDocument(aggregate: aggregate, metadata: metadata, pathFilter: PathFilter([])))
        #expect(!page.contains("http://") || page.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") },
                "nothing is fetched: the only URL is the SVG namespace")
        #expect(page.components(separatedBy: "</script>").count - 1 == 2, "the path's </script> is escaped in the JSON")
        #expect(page.contains("<td>/m/&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;.engine</td>"))
        #expect(page.contains("--pod 0b9f"))
        #expect(page.contains("Load timeline") && page.contains("id=\"readtrace-data\""))
    }
}
