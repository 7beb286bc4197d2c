import Testing

@testable import ReadTraceCore

@Suite("PREFETCH in the summary and the report")
struct PrefetchColumnTests {
    static let metadata = SummaryRowPolicyTests.metadata

    /// pid 10 reads 1 MiB of the engine and prefetches 3.5 MiB of it; pid 20 reads 4 KiB of the weights.
    static func aggregate(prefetching: Bool = true) -> TraceAggregate {
        var aggregate = RenderingTests.aggregate()
        if prefetching {
            aggregate.record(
                .faultFill(
                    FaultFillRecord(
                        pid: 10, file: RenderingTests.engine, bytes: 7 << 19, endNanoseconds: RenderingTests.start + 1,
                        cause: .prefetch)))
        }
        return aggregate
    }

    static func summary(_ aggregate: TraceAggregate, width: Int, grouping: GroupBy = .process) -> [String] {
        SummaryReport(sort: .bytes, pathFilter: PathFilter([]), grouping: grouping, width: width)
            .render(aggregate: aggregate, metadata: metadata).split(separator: "\n").map(String.init)
    }

    @Test("a wide summary shows the prefetched bytes in PREFETCH; the totals line does not repeat them")
    func wideSummary() throws {
        let lines = Self.summary(Self.aggregate(), width: 160)
        let header = try #require(lines.first { $0.contains(" PID ") })
        #expect(header.contains(" PREFETCH "), "\(lines)")
        let row = try #require(lines.first { $0.contains("trtserver") })
        let column = header.distance(from: header.startIndex, to: try #require(header.range(of: "PREFETCH")).lowerBound)
        #expect(row.dropFirst(column).hasPrefix("    3.5M"), "\(header)\n\(row)")
        #expect(!lines.contains { $0.contains("prefetched") }, "\(lines)")
    }

    @Test("at 80 columns PREFETCH is hidden and the totals line carries the prefetched bytes")
    func narrowSummary() throws {
        let lines = Self.summary(Self.aggregate(), width: 80)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(!lines.contains { $0.contains("PREFETCH") }, "\(lines)")
        let totals = try #require(lines.last)
        #expect(totals.hasSuffix("by 2 processes; 3.5M prefetched (not read)"), "\(totals)")
    }

    @Test("without prefetches there is no PREFETCH column and no prefetch total, at any width", arguments: [80, 160])
    func noPrefetch(width: Int) {
        let lines = Self.summary(Self.aggregate(prefetching: false), width: width)
        #expect(!lines.contains { $0.contains("PREFETCH") || $0.contains("prefetched") }, "\(lines)")
    }

    @Test("rows grouped by pod sum their processes' prefetched bytes")
    func groupedSummary() throws {
        let pod = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab.slice"
        var aggregate = TraceAggregate(startNanoseconds: RenderingTests.start) { record in
            TracedProcess(record: record, cgroupPath: pod + "/cri-containerd-\(record.pid).scope")
        }
        for pid: Int32 in [10, 20] {
            aggregate.record(.process(ProcessRecord(pid: pid, parentPid: 1, cgroupID: 1, comm: "trtserver")))
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: pid, threadID: pid, file: RenderingTests.engine, endNanoseconds: RenderingTests.start + 1,
                        latencyNanoseconds: 1000, result: 1 << 20)))
            aggregate.record(
                .faultFill(
                    FaultFillRecord(
                        pid: pid, file: RenderingTests.engine, bytes: UInt64(pid) << 20 / 10, endNanoseconds: RenderingTests.start + 2,
                        cause: .prefetch)))
        }
        let lines = Self.summary(aggregate, width: 160, grouping: .pod)
        let header = try #require(lines.first { $0.hasPrefix("GROUP ") })
        let row = try #require(lines.first { $0.hasPrefix("pod 0b9f3c2e") }, "\(lines)")
        let column = header.distance(from: header.startIndex, to: try #require(header.range(of: "PREFETCH")).lowerBound)
        #expect(row.dropFirst(column).hasPrefix("    3.0M"), "1 MiB and 2 MiB in one row:\n\(header)\n\(row)")
        #expect(Self.summary(aggregate, width: 80, grouping: .pod).last?.hasSuffix("; 3.0M prefetched (not read)") == true)
    }

    /// Two processes (of one pod, with `pods`) and one outside a pod read one file; the first prefetched it
    /// too, the second mapped some of it.
    static func dump(pods: Bool = false) -> DumpDocument {
        let pod = pods ? "0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab" : nil
        var dump = StormFixture.dump(
            [
                StormFixture.Load(pid: 100, inode: 1, begin: 0, seconds: 1, pod: pod),
                StormFixture.Load(pid: 101, inode: 1, begin: 0.5, seconds: 1, pod: pod),
                StormFixture.Load(pid: 200, inode: 1, begin: 0, seconds: 1),
            ], utilization: [100, 100])
        for index in dump.reads.indices {
            dump.reads[index].prefetchBytes = dump.reads[index].pid == 200 ? 0 : 3 << 20
            dump.reads[index].mappedBytes = dump.reads[index].pid == 101 ? 5 << 20 : 0
        }
        return dump
    }

    @Test("readtrace report keeps PREFETCH at 80 columns, hiding COMM and MISS first", arguments: [80, 160])
    func report(width: Int) throws {
        let lines = DumpReport(width: width).render(Self.dump()).split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= width })
        let header = try #require(lines.first { $0.contains(" PID ") })
        #expect(header.contains(" PREFETCH "), "\(lines)")
        #expect(header.contains(" MISS ") == (width > 80), "\(header)")
        let rows = lines.filter { $0.hasPrefix("    100 ") || $0.hasPrefix("    200 ") }
        #expect(rows.count == 2 && rows.allSatisfy { $0.contains(($0.hasPrefix("    100 ") ? "    3.0M " : "       0 ")) }, "\(rows)")
        #expect(StormRuleTests.prose(lines).contains("PREFETCH brought into the page cache by prefetch calls"))
    }

    @Test("readtrace report without prefetches has no PREFETCH column")
    func reportWithoutPrefetch() {
        var dump = Self.dump()
        for index in dump.reads.indices { dump.reads[index].prefetchBytes = nil }
        #expect(!DumpReport(width: 160).render(dump).contains("PREFETCH"))
    }

    @Test("--group-by pod sums the pod's prefetched and mapped bytes")
    func groupedReport() throws {
        let rows = DumpReport(width: 120, grouping: .pod).rows(Self.dump(pods: true).loads)
        let podRow = try #require(rows.first { $0.process?.podUID != nil })
        #expect(podRow.read.prefetchBytes == 6 << 20)
        #expect(podRow.read.mappedBytes == 5 << 20)
        let text = DumpReport(width: 120, grouping: .pod).render(Self.dump(pods: true))
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("pod 0b9f3c2e") })
        #expect(line.contains("    6.0M "), "\(line)")
    }
}
