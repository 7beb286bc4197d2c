import Testing

@testable import ReadTraceCore

@Suite("readtrace report at terminal widths")
struct DumpReportWidthTests {
    static let longDirectory = "/var/lib/kubelet/pods/0b9f3c2e-6d1a-4b7e-9a8c-1234567890ab/volumes/kubernetes.io~csi/models/mount"

    /// Two pods whose uids share their first 9 characters load engines together, beside small files.
    static func dump() -> DumpDocument {
        typealias Load = StormFixture.Load
        var loads = [
            Load(
                pid: 4101, inode: 1, begin: 0.5, seconds: 2, mebibytes: 64,
                path: longDirectory + "/resnet50-int8-batch32-sm86-trt10.engine", comm: "tritonserver_mai",
                pod: "0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab"),
            Load(
                pid: 4102, inode: 2, begin: 0.5, seconds: 2.5, mebibytes: 64,
                path: longDirectory + "/yolov5-fp16-batch8.engine", comm: "tritonserver_mai",
                pod: "0b9f3c2e_7e2b_4c8f_8b9d_abcdefabcdef"),
        ]
        loads += (0..<10).map {
            Load(
                pid: 4101, inode: 100 + UInt64($0), begin: 0.1 * Double($0), seconds: 0.05, mebibytes: 1,
                path: "/usr/lib/python3/dist-packages/package\($0)/__init__.cpython-311.pyc", comm: "tritonserver_mai",
                pod: "0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab")
        }
        return StormFixture.dump(loads, utilization: [40, 100, 100, 100])
    }

    @Test(
        "every line fits, text is cut with an ellipsis, pods keep a unique prefix, every symbol has a legend",
        arguments: [80, 100, 120, 160])
    func fits(width: Int) throws {
        let text = DumpReport(width: width).render(Self.dump())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { $0.count <= width }, "\(lines.filter { $0.count > width })")
        let engineRows = lines.filter { $0.hasPrefix("   410") && $0.contains(".engine") }
        #expect(engineRows.count == 2, "\(lines)")
        #expect(
            engineRows.allSatisfy { $0.contains("…") && $0.hasSuffix(".engine") },
            "the long path loses its middle, the file name survives: \(engineRows)")
        #expect(
            engineRows.contains { $0.contains("pod 0b9f3c2e-6 ") } && engineRows.contains { $0.contains("pod 0b9f3c2e-7 ") },
            "the two pods stay apart: \(engineRows)")
        let prose = StormRuleTests.prose(lines)
        #expect(prose.contains("Columns: BYTES") && prose.contains("WAIT share") && prose.contains("… text cut to fit"))
        #expect(prose.contains("Legend: shading is throughput") && prose.contains("+ for 10 or more"))
        #expect(prose.contains("10 smaller files left out"), "the .pyc files are not loads")
        let storm = try #require(lines.firstIndex { $0.hasPrefix("loop0: 2 loads overlapped") }, "\(text)")
        #expect(lines[storm + 1].hasPrefix("  "), "the storm paragraph is wrapped, not cut: \(lines[storm...])")
        #expect(prose.contains("0b9f3c2e-6") && !prose.contains("pod 0b "), "no pod uid cut to two characters")
        let hidden = lines.first { $0.contains("Hidden at") } ?? ""
        if width <= 100 {
            #expect(!lines.contains { $0.contains(" COMM ") } && prose.contains("Hidden at \(width) columns: COMM"), "\(lines)")
        } else {
            #expect(hidden.isEmpty && lines.contains { $0.contains(" COMM ") && $0.contains(" MISS ") && $0.contains(" DISK ") })
        }
        #expect(engineRows.contains { $0.contains(" tritonserver_m… ") } == (width > 100), "a long process name is cut with an ellipsis")
        let timelineRows = lines.filter { $0.hasPrefix("tritons") }
        #expect(timelineRows.count == 2 && timelineRows.allSatisfy { $0.contains(" pod 0b9f3c2e-") }, "the pod survives: \(timelineRows)")
    }

    @Test("model shards under a long directory stay apart when FILE is narrow")
    func shardsStayApart() {
        let directory = "/var/lib/kubelet/pods/0b9f3c2e/volumes/models/"
        #expect(
            TextTable<FileLoad>.pathCell(directory + "model-00001-of-00002.safetensors", width: 33) == "…model-00001-of-00002.safetensors")
        #expect(TextTable<FileLoad>.pathCell(directory + "model-00002-of-00002.safetensors", width: 24) == "model-00002….safetensors")
        #expect(TextTable<FileLoad>.pathCell(directory + "a.engine", width: 24) == "/var/lib/kubel…/a.engine")
    }

    @Test("--top shows the largest files and sums the rest")
    func top() {
        let lines = DumpReport(width: 120, rowPolicy: RowPolicy(top: 3)).render(Self.dump()).split(separator: "\n").map(String.init)
        let rows = lines.filter { $0.hasPrefix("   410") }
        #expect(rows.count == 3, "\(rows)")
        #expect(lines.contains("… 9 more files: 9 MiB (--top)"), "\(lines)")
        #expect(lines.filter { $0.hasPrefix("tritons") }.count == 2, "the timeline keeps both loads: the largest files")
    }
}
