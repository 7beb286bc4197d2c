import Testing

@testable import ReadTraceCore

@Suite("HTML timeline")
struct HTMLTimelineTests {
    static func count(_ needle: String, in page: String) -> Int { page.components(separatedBy: needle).count - 1 }

    @Test("the SVG is in the page itself: one bar per load, round ticks, axis titles, colour scales, the peak marked")
    func drawnWithoutScript() throws {
        let page = try HTMLReport.render(DumpReportWidthTests.dump())
        let svg = try #require(page.firstRange(of: "<svg").map { String(page[$0.lowerBound...]) })
        #expect(Self.count("class=\"load-bar\"", in: svg) == 2, "the two engines, not the .pyc files")
        for tick in ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0"] {
            #expect(svg.contains("text-anchor=\"middle\">\(tick)</text>"), "tick \(tick)")
        }
        #expect(svg.contains("time since tracing began (s)") && svg.contains("process pid file, pod or container"))
        #expect(svg.contains("throughput per bucket (MiB/s)") && svg.contains("device %util"))
        #expect(Self.count("class=\"peak\"", in: svg) == 2, "the peak on the track and in the legend")
        #expect(svg.contains("peak: 2 at once, first at 0.50 s"), "\(svg)")
        #expect(page.contains("<div class=\"scroll\"><table>"), "tables scroll inside their box")
    }

    @Test("a name with <!-- or </script> cannot hide the timeline or break out of the embedded dump")
    func escapesInlineData() throws {
        var aggregate = TraceAggregate(startNanoseconds: StormFixture.start)
        let file = FileID(device: StormFixture.loop0, inode: 9)
        aggregate.record(
            .file(FileRecord(id: file, path: Array("/m/<!--<script>x.engine".utf8), sizeBytes: 10, kind: .regular, deleted: false)))
        aggregate.record(
            .read(ReadRecord(pid: 5, threadID: 5, file: file, endNanoseconds: StormFixture.start + 10, latencyNanoseconds: 5, result: 10)))
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(), counters: KernelCounters())
        let page = try HTMLReport.render(DumpDocument(aggregate: aggregate, metadata: metadata, pathFilter: PathFilter([])))
        #expect(!page.contains("<!--") && !page.contains("<script>x"), "every < of the name is escaped")
        #expect(page.contains("/m/\\u003c!--\\u003cscript>x.engine"), "in the embedded dump as \\u003c")
        #expect(page.contains("&lt;!--&lt;script&gt;x.engine"), "in the SVG and the tables as entities")
        #expect(Self.count("<script", in: page) == 2 && Self.count("class=\"load-bar\"", in: page) == 1)
    }

    @Test("500 loads: the page shows the largest 100 and sums the rest, in the timeline and the files table")
    func rowCap() throws {
        let loads = (0..<500).map {
            StormFixture.Load(
                pid: 1000 + Int32($0), inode: UInt64($0) + 1, begin: Double($0 % 50) * 0.05,
                seconds: 0.5, mebibytes: 16 + $0 % 7)
        }
        let page = try HTMLReport.render(StormFixture.dump(loads, utilization: [100, 100, 100]))
        #expect(Self.count("class=\"load-bar\"", in: page) == HTMLReport.defaultRowLimit)
        #expect(page.contains("… 400 more loads:") && page.contains("… 400 more files:"))
        #expect(Self.count("<tr>", in: page) < 250, "each table capped")
        let narrow = try HTMLReport.render(StormFixture.dump(loads, utilization: [100, 100, 100]), rowPolicy: RowPolicy(top: 10))
        #expect(Self.count("class=\"load-bar\"", in: narrow) == 10 && narrow.contains("… 490 more loads:"))
    }

    @Test(
        "time axes tick at round steps",
        arguments: [(5.0, 0.5, "2.5"), (0.73, 0.1, "0.3"), (47, 5, "45"), (130, 20, "120"), (1, 0.1, "0.5")])
    func timeAxis(duration: Double, step: Double, label: String) {
        let axis = TimeAxis(durationSeconds: duration)
        #expect(abs(axis.step - step) < 1e-9, "\(axis)")
        #expect(axis.ticks.first == 0 && axis.ticks.count <= 11 && (axis.ticks.last ?? 0) <= duration + 1e-9)
        #expect(axis.ticks.map(axis.label).contains(label), "\(axis.ticks.map(axis.label))")
    }
}

@Suite("The HTML output")
struct HTMLReportOutputTests {
    @Test("the page's embedded dump is streamed, and is the --json dump byte for byte once its < are unescaped")
    func embeddedDumpIsTheJSONDump() throws {
        let contents = DumpContents(aggregate: DumpTests.aggregate(), metadata: DumpTests.metadata(), pathFilter: PathFilter([]))
        let source = DumpSource(contents)
        var json: [UInt8] = []
        var page: [UInt8] = []
        try JSONDumpOutput(path: "unused").write(source, to: { json += $0 })
        try HTMLReportOutput(path: "unused").write(source, to: { page += $0 })
        let text = String(decoding: page, as: UTF8.self)
        let opening = try #require(text.range(of: HTMLReport.dataOpening))
        let closing = try #require(text.range(of: "</script>", range: opening.upperBound..<text.endIndex))
        let embedded = String(text[opening.upperBound..<closing.lowerBound])
        #expect(!embedded.contains("<"))
        #expect(Array(embedded.replacingOccurrences(of: "\\u003c", with: "<").utf8) == json)
        #expect(text.hasPrefix(HTMLReport.body(source.document)))
    }
}
