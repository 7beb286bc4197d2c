import Foundation
import Testing

@testable import ReadTraceCore

@Suite("Load timeline and storm summary")
struct LoadTimelineTests {
    static let start: UInt64 = 1_000_000_000
    static let loop0 = DeviceNumber(major: 7, minor: 0)

    /// pid 10 loads 1.engine alone (100 MiB in 1 s), then pids 11 and 12 load 2 and 3.engine
    /// together (100 MiB each over 2 s) while the device is saturated.
    /// A 100 MiB load alone taking `soloSeconds`, then two overlapping ones in a pod.
    static func dump(soloUtilization: Double = 50, soloSeconds: Double = 1) -> DumpDocument {
        StormFixture.dump(
            [
                .init(pid: 10, inode: 1, begin: 0, seconds: soloSeconds),
                .init(pid: 11, inode: 2, begin: 2, seconds: 2, pod: "0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab"),
                .init(pid: 12, inode: 3, begin: 2, seconds: 2, pod: "0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab"),
            ],
            utilization: [soloUtilization, 50, 100, 100, 100])
    }

    @Test("the storm is the loads that overlapped; the solo load is no part of it")
    func storm() throws {
        let storms = StormSummary.storms(in: Self.dump(), rule: LoadRule())
        let storm = try #require(storms.first)
        #expect(storms.count == 1 && storm.device == "loop0")
        #expect(storm.loads.count == 2 && storm.mostAtOnce == 2, "the solo load is not part of the storm")
        #expect(abs(storm.combinedMiBPerSecond - 100) < 1.5, "200 MiB in about 2 s: \(storm.combinedMiBPerSecond)")
        #expect(abs(storm.lastFinishedSeconds - storm.startSeconds - 2) < 0.05)
        #expect(storm.samples == 2 && storm.saturatedSamples == 2, "the seconds 2-3 and 3-4 were saturated")
        let text = StormSummary.paragraphs(Self.dump(), rule: LoadRule()).joined(separator: "\n")
        #expect(text.contains("loop0: 2 loads overlapped from 2.00 s to 4.00 s, up to 2 at once"), "\(text)")
        #expect(text.contains("at or above 90% util in 2 of 2 diskstats samples in that time (100%; peak 100.0%)"), "\(text)")
    }

    @Test("one row per load on a shared axis, with its pod, the device's util and the overlap")
    func timeline() throws {
        let lines = LoadTimeline(width: 144).render(Self.dump())
        #expect(lines.allSatisfy { $0.count <= 144 })
        let rows = lines.filter { $0.hasPrefix("trtserver ") }
        #expect(rows.count == 3, "\(lines)")
        #expect(rows.first?.hasPrefix("trtserver 10 1.engine ") == true)
        #expect(rows.dropFirst().allSatisfy { $0.contains("pod 0b9f3c2e") }, "\(rows)")
        #expect(rows.allSatisfy { $0.contains("|") }, "every load finished: \(rows)")
        // 100 columns for 5 s: the first load fills columns 0-19, the others 40-79.
        let bars = rows.map { Array($0.dropFirst(LoadTimeline.labelWidth + 1)) }
        #expect(bars[0][5] == "█" && bars[0][30] == " " && bars[1][5] == " " && bars[1][60] != " ")
        let util = try #require(lines.first { $0.hasPrefix("loop0 %util") })
        #expect(Array(util.dropFirst(LoadTimeline.labelWidth + 1))[50] == "█")
        let overlap = try #require(lines.first { $0.hasPrefix("loads at once on loop0 (peak 2)") }, "\(lines)")
        #expect(Array(overlap.dropFirst(LoadTimeline.labelWidth + 1))[50] == "2")
        #expect(
            lines.contains { $0.contains("Legend:") } && lines.joined().contains("+ for 10 or more"), "every symbol explained: \(lines)")
    }

    @Test("the report of a dump lists its loads, then the timeline and the storm")
    func report() {
        let text = DumpReport(width: 144).render(Self.dump())
        #expect(text.contains("5.0 s traced with tracepoint hooks"))
        #expect(text.contains("Load timeline:") && text.contains("loop0: 2 loads overlapped"))
        #expect(text.split(separator: "\n").filter { $0.contains("trtserver") && $0.contains("/models/") }.count == 3)
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
        #expect(
            events.contains {
                ($0["args"] as? [String: Any])?["name"] as? String == "trtserver 11 pod 0b9f3c2e-6d1a-4b7e-9a8c-1234567890ab"
            })
    }
}

@Suite("HTML report")
struct HTMLReportTests {
    @Test("the page is self-contained and a path cannot break out of the embedded dump or the tables")
    func selfContained() throws {
        var aggregate = TraceAggregate(startNanoseconds: LoadTimelineTests.start)
        let file = FileID(device: LoadTimelineTests.loop0, inode: 9)
        aggregate.record(
            .file(FileRecord(id: file, path: Array("/m/</script><b>x</b>.engine".utf8), sizeBytes: 10, kind: .regular, deleted: false)))
        aggregate.record(
            .read(
                ReadRecord(pid: 5, threadID: 5, file: file, endNanoseconds: LoadTimelineTests.start + 10, latencyNanoseconds: 5, result: 10)
            ))
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(pods: ["0b9f"]), counters: KernelCounters())
        let page = try HTMLReport.render(DumpDocument(aggregate: aggregate, metadata: metadata, pathFilter: PathFilter([])))
        #expect(
            !page.contains("http://")
                || page.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") },
            "nothing is fetched: the only URL is the SVG namespace")
        #expect(page.components(separatedBy: "</script>").count - 1 == 2, "the path's </script> is escaped in the JSON")
        #expect(page.contains("<td>/m/&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;.engine</td>"))
        #expect(page.contains("--pod 0b9f"))
        #expect(page.contains("Load timeline") && page.contains("id=\"readtrace-data\""))
    }
}
