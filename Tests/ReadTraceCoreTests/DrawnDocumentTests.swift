import Testing

@testable import ReadTraceCore

@Suite("The document the end of a run draws from")
struct DrawnDocumentTests {
    @Test("only loads keep their timelines, and every drawn output is what the whole dump draws")
    func timelinesOnlyForLoads() throws {
        // Forty small .pyc files read around two overlapping model loads: the .pyc entries are no loads.
        var loads = (0..<40).map { index in
            StormFixture.Load(
                pid: 100 + Int32(index % 4), inode: 1000 + UInt64(index), begin: 0.05 * Double(index), seconds: 0.05, mebibytes: 1,
                path: "/usr/lib/python3.11/__pycache__/module\(index).cpython-311.pyc", comm: "python3")
        }
        loads += [
            StormFixture.Load(pid: 101, inode: 2, begin: 1, seconds: 2, mebibytes: 64, path: "/models/a.safetensors", comm: "python3"),
            StormFixture.Load(pid: 102, inode: 3, begin: 1.5, seconds: 2, mebibytes: 64, path: "/models/b.safetensors", comm: "python3"),
        ]
        let contents = StormFixture.contents(loads, utilization: [100, 100, 100, 100])
        let drawn = DumpSource(contents).document
        let whole = DumpDocument(contents)
        let rule = LoadRule()
        let counted = Set(whole.loads(countedBy: rule).map { "\($0.read.pid) \($0.read.fileID)" })
        #expect(counted.count == 2)
        for (read, full) in zip(drawn.reads, whole.reads) {
            let isLoad = counted.contains("\(read.pid) \(read.fileID)")
            #expect(read.timeline.bucketSeconds == full.timeline.bucketSeconds)
            #expect(isLoad ? read.timeline == full.timeline : read.timeline.readBytes.isEmpty && read.timeline.blockReadBytes.isEmpty)
            var untimed = full
            untimed.timeline = read.timeline
            #expect(read == untimed, "every figure but the timeline is the dump's")
        }
        #expect(drawn.reads.count == whole.reads.count && drawn.files == whole.files && drawn.processes == whole.processes)
        for width in [80, 160] {
            #expect(LoadTimeline(width: width, rule: rule).render(drawn) == LoadTimeline(width: width, rule: rule).render(whole))
        }
        #expect(StormSummary.paragraphs(drawn, rule: rule) == StormSummary.paragraphs(whole, rule: rule))
        #expect(HTMLReport.body(drawn, rule: rule) == HTMLReport.body(whole, rule: rule))
        #expect(TraceEventsDocument(drawn, rule: rule).traceEvents == TraceEventsDocument(whole, rule: rule).traceEvents)
    }
}
