import Testing

@testable import ReadTraceCore

@Suite("Summary row policy")
struct SummaryRowPolicyTests {
    static let metadata = RunMetadata(
        toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
        startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(), counters: KernelCounters())

    @Test("--top keeps the first rows by the sort key and sums the rest in one line")
    func top() {
        let text = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), rowPolicy: RowPolicy(top: 1), width: 150)
            .render(aggregate: RenderingTests.aggregate(), metadata: Self.metadata)
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines.firstIndex { $0.hasPrefix("    PID COMM") } ?? lines.endIndex
        #expect(lines.dropFirst(header + 1).first?.contains("trtserver") == true, "\(lines)")
        #expect(lines.dropFirst(header + 2).first == "… 1 more rows: <0.1 MiB in 1 reads (--top, --min-bytes)", "\(lines)")
        #expect(text.contains("100M in 101 reads of 2 files by 2 processes"), "the totals still count every row")
    }

    @Test("--min-bytes sums the rows that read less")
    func minimumBytes() {
        let text = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), rowPolicy: RowPolicy(minimumBytes: 1 << 20), width: 150)
            .render(aggregate: RenderingTests.aggregate(), metadata: Self.metadata)
        #expect(!text.contains("python3") && text.contains("… 1 more rows: <0.1 MiB in 1 reads"), "\(text)")
        let all = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), width: 150).render(
            aggregate: RenderingTests.aggregate(), metadata: Self.metadata)
        #expect(all.contains("python3") && !all.contains("more rows"), "without a policy every row shows")
    }

    @Test("without --top the summary shows 25 rows of a node's hundreds and sums the rest; --top shows more")
    func defaultCap() {
        var aggregate = TraceAggregate(startNanoseconds: 0)
        for pid in Int32(1)...300 {
            let file = FileID(device: DeviceNumber(major: 8, minor: 1), inode: UInt64(pid))
            aggregate.record(
                .file(FileRecord(id: file, path: Array("/app/lib/mod\(pid).pyc".utf8), sizeBytes: 4096, kind: .regular, deleted: false)))
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: pid, threadID: pid, file: file, endNanoseconds: UInt64(pid) * 1000,
                        latencyNanoseconds: 100, result: 4096)))
        }
        func rowLines(_ policy: RowPolicy) -> [String] {
            SummaryReport(sort: .bytes, pathFilter: PathFilter([]), rowPolicy: policy, width: 150)
                .render(aggregate: aggregate, metadata: Self.metadata).split(separator: "\n").map(String.init)
                .filter { $0.hasSuffix(".pyc") }
        }
        #expect(rowLines(RowPolicy()).count == RowPolicy.defaultTableRows)
        let text = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), width: 150).render(aggregate: aggregate, metadata: Self.metadata)
        #expect(text.contains("… 275 more rows"), "\(text)")
        #expect(rowLines(RowPolicy(top: 100)).count == 100)
    }
}
