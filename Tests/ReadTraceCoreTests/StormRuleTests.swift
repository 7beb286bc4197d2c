import Testing

@testable import ReadTraceCore

@Suite("What counts as a load, and what a storm is measured against")
struct StormRuleTests {
    typealias Load = StormFixture.Load

    /// Wrapped lines as one line of text, whatever the width.
    static func prose(_ lines: [String]) -> String {
        lines.joined(separator: " ").split(separator: " ").joined(separator: " ")
    }

    @Test("large files and model files count as loads; small libraries and .pyc files do not")
    func loadRule() {
        let rule = LoadRule()
        #expect(rule.counts(path: "/srv/weights/part-1.bin", sizeBytes: 4096, bytesRead: 4096))
        #expect(rule.counts(path: "/srv/MODEL.SafeTensors", sizeBytes: 1, bytesRead: 1), "extensions match whatever their case")
        #expect(rule.counts(path: "/data/blob", sizeBytes: 16 << 20, bytesRead: 1 << 20), "the file's size counts, not what was read")
        #expect(rule.counts(path: "/data/blob", sizeBytes: 0, bytesRead: 20 << 20), "bytes read stand in for an unknown size")
        #expect(!rule.counts(path: "/usr/lib/python3/__pycache__/os.cpython-311.pyc", sizeBytes: 157 << 10, bytesRead: 157 << 10))
        #expect(!rule.counts(path: "/usr/lib/libtorch_cpu.so", sizeBytes: (16 << 20) - 1, bytesRead: 1 << 20))
        #expect(!rule.counts(path: "/models/engine", sizeBytes: 10, bytesRead: 10), "a name without the extension is not a model file")
        #expect(
            !rule.counts(path: "/usr/lib/python3/dist-packages/distutils-precedence.pth", sizeBytes: 151, bytesRead: 151),
            "Python's path configuration files are no PyTorch weights")
        #expect(rule.counts(path: "/srv/checkpoints/resnet.pth", sizeBytes: 1 << 20, bytesRead: 1 << 20))
        #expect(LoadRule(minimumBytes: 1 << 20).counts(path: "/a.so", sizeBytes: 2 << 20, bytesRead: 1))
        #expect(rule.description.hasPrefix("files of at least 16 MiB or named *.engine *.plan"))
    }

    @Test("the storm is made of loads only: hundreds of small files read at once are no storm and no yardstick")
    func onlyLoadsEnterTheStorm() throws {
        var loads = (0..<40).map { index in
            Load(
                pid: 100 + Int32(index % 4), inode: 1000 + UInt64(index), begin: 0.01 * Double(index), seconds: 0.05, mebibytes: 1,
                path: "/usr/lib/python3.11/__pycache__/module\(index).cpython-311.pyc", comm: "python3")
        }
        loads.append(Load(pid: 100, inode: 1, begin: 1, seconds: 2, mebibytes: 4, path: "/usr/lib/libtorch.so", comm: "python3"))
        loads.append(
            Load(pid: 101, inode: 2, begin: 1, seconds: 2, mebibytes: 64, path: "/models/model-00001-of-00002.safetensors", comm: "python3")
        )
        loads.append(
            Load(
                pid: 102, inode: 3, begin: 1.5, seconds: 2, mebibytes: 64, path: "/models/model-00002-of-00002.safetensors", comm: "python3"
            ))
        let dump = StormFixture.dump(loads, utilization: [100, 100, 100, 100])
        let storm = try #require(StormSummary.storms(in: dump, rule: LoadRule()).first)
        #expect(storm.loads.map(\.fileName) == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
        let text = StormSummary.paragraphs(dump, rule: LoadRule()).joined(separator: "\n")
        #expect(
            !text.contains(".pyc") && !text.contains(".so") && text.contains("loads: files of at least 16 MiB or model files"), "\(text)")
        let timeline = LoadTimeline(width: 120).render(dump)
        #expect(
            timeline.filter { $0.hasPrefix("python3 ") }.count == 2 && Self.prose(timeline).contains("41 smaller files left out"),
            "\(timeline)")
        #expect(TraceEventsDocument(dump).traceEvents.filter { $0.phase == .complete }.count == 2, "trace events slice the loads only")
        #expect(
            StormSummary.storms(in: dump, rule: LoadRule(minimumBytes: 0)).first?.loads.count == 43,
            "with no floor every file is a load (the small ones overlap each other)")
    }

    @Test("without a reference the storm reports shares and saturation and claims no slowdown")
    func noReference() throws {
        // The solo load read 50 MiB/s with loop0 half idle, half what the storm's loads read
        // together: it was limited elsewhere, and is no yardstick.
        let dump = LoadTimelineTests.dump(soloUtilization: 50, soloSeconds: 2)
        let storm = try #require(StormSummary.storms(in: dump, rule: LoadRule()).first)
        #expect(storm.reference == nil && storm.slowdown == nil)
        let text = try #require(StormSummary.paragraphs(dump, rule: LoadRule()).last)
        #expect(text.contains("each read 50.0 MiB/s (50% of that)"), "\(text)")
        #expect(text.contains("No slowdown is claimed") && !text.contains("slower"), "\(text)")
    }

    @Test("another file's load alone, as fast as the storm's loads together, is the reference: each ran 2× slower")
    func loadAloneReference() throws {
        // loop0 half idle alone: the cap was above the device (a throttle, the network), and
        // the storm's two loads shared the 100 MiB/s one load had alone.
        let dump = LoadTimelineTests.dump(soloUtilization: 50)
        let storm = try #require(StormSummary.storms(in: dump, rule: LoadRule()).first)
        guard case .loadAlone(let rate, let label)? = storm.reference else {
            Issue.record("no solo-load reference: \(String(describing: storm.reference))")
            return
        }
        #expect(abs(rate - 100) < 0.5 && label.hasPrefix("trtserver 10 "))
        let slowdown = try #require(storm.slowdown)
        #expect(abs(slowdown.least - 2) < 0.05 && abs(slowdown.most - 2) < 0.05)
        let text = try #require(StormSummary.paragraphs(dump, rule: LoadRule()).last)
        #expect(text.contains("Alone earlier in the run, trtserver 10 "), "\(text)")
        #expect(text.contains("read 100.0 MiB/s: each load ran 2.0× slower than that."), "\(text)")
        #expect(text.contains("(100 MiB, 2.0× slower)"), "each load's own slowdown beside it: \(text)")
    }

    @Test("a load alone that saturated the device is the reference: the storm's loads ran 2× slower")
    func deviceAloneReference() throws {
        // The solo load read half the storm's combined rate: only the device's figure is a reference.
        let dump = LoadTimelineTests.dump(soloUtilization: 100, soloSeconds: 2)
        let storm = try #require(StormSummary.storms(in: dump, rule: LoadRule()).first)
        guard case .deviceAlone(let rate, let sampleSeconds)? = storm.reference else {
            Issue.record("no device reference: \(String(describing: storm.reference))")
            return
        }
        #expect(abs(rate - 100) < 0.5 && abs(sampleSeconds - 1) < 0.01)
        let slowdown = try #require(storm.slowdown)
        #expect(abs(slowdown.mean - 2) < 0.05 && abs(slowdown.most - 2) < 0.05)
        let text = try #require(StormSummary.paragraphs(dump, rule: LoadRule()).last)
        #expect(
            text.contains("With one load alone, loop0 read 100.0 MiB/s") && text.contains("each load ran 2.0× slower than that"), "\(text)")
    }

    @Test("the same file loaded alone earlier is the reference, even with the device not saturated")
    func sameFileReference() throws {
        let dump = StormFixture.dump(
            [
                Load(pid: 10, inode: 2, begin: 0, seconds: 1),
                Load(pid: 11, inode: 2, begin: 2, seconds: 2), Load(pid: 12, inode: 2, begin: 2, seconds: 4),
            ],
            utilization: [50, 50, 60, 60, 60, 60])
        let storm = try #require(StormSummary.storms(in: dump, rule: LoadRule()).first)
        guard case .sameFilesAlone(let byFile)? = storm.reference else {
            Issue.record("no same-file reference: \(String(describing: storm.reference))")
            return
        }
        #expect(byFile.count == 1 && abs((byFile.values.first ?? 0) - 100) < 0.5)
        let slowdown = try #require(storm.slowdown)
        #expect(abs(slowdown.least - 2) < 0.05 && abs(slowdown.most - 4) < 0.1 && abs(slowdown.mean - 3) < 0.1)
        let text = try #require(StormSummary.paragraphs(dump, rule: LoadRule()).last)
        #expect(text.contains("The same files loaded alone earlier in the run read 100.0 MiB/s"), "\(text)")
        #expect(text.contains("each load ran 3.0× slower on average (2.0–4.0×) than its file alone"), "\(text)")
    }

    @Test("samples at or above 90% util count as saturated, not only those at exactly 100%")
    func saturationThreshold() throws {
        let dump = StormFixture.dump(
            [Load(pid: 11, inode: 2, begin: 2, seconds: 3), Load(pid: 12, inode: 3, begin: 2, seconds: 3)],
            utilization: [10, 10, 99.9, 90, 89.9])
        let storm = try #require(StormSummary.storms(in: dump, rule: LoadRule()).first)
        #expect(storm.samples == 3 && storm.saturatedSamples == 2, "99.9% and 90% count, 89.9% does not")
        let text = try #require(StormSummary.paragraphs(dump, rule: LoadRule()).last)
        #expect(text.contains("at or above 90% util in 2 of 3 diskstats samples in that time (67%; peak 99.9%)"), "\(text)")
    }

    @Test("'up to N at once' is the peak of the loads-at-once track: loads that end as others start do not add up")
    func atOnceMatchesTheTrack() throws {
        // A, B and C run back to back; D overlaps all three: never more than two at once. At 60
        // columns for 3 s, A's end and B's start fall in one column.
        let dump = StormFixture.dump(
            [
                Load(pid: 20, inode: 1, begin: 0, seconds: 1), Load(pid: 21, inode: 2, begin: 1, seconds: 1),
                Load(pid: 22, inode: 3, begin: 2, seconds: 1), Load(pid: 23, inode: 4, begin: 0.5, seconds: 2),
            ],
            utilization: [100, 100, 100])
        let storm = try #require(StormSummary.storms(in: dump, rule: LoadRule()).first)
        #expect(storm.mostAtOnce == 2 && storm.loads.count == 4)
        for width in [80, 105, 160] {
            let track = try #require(LoadTimeline(width: width).render(dump).first { $0.hasPrefix("loads at once on loop0") })
            let counts = track.dropFirst(LoadTimeline.labelWidth + 1).compactMap { $0.wholeNumberValue }
            #expect(counts.max() == storm.mostAtOnce, "width \(width): \(track)")
            #expect(track.contains("(peak 2)"))
        }
    }

    @Test("pod uids are shortened to the shortest unique prefix of at least 8 characters")
    func uniquePrefixes() {
        let abbreviate = IdentifierAbbreviation(
            ["0b9f3c2e-6d1a-4b7e", "0b9f3c2e-7e2b-4b7e", "12345678-aaaa", "0b9f3c2e-6d1a-4b7f"],
            minimumLength: 8)
        #expect(abbreviate("12345678-aaaa") == "12345678")
        #expect(abbreviate("0b9f3c2e-7e2b-4b7e") == "0b9f3c2e-7")
        #expect(abbreviate("0b9f3c2e-6d1a-4b7e") == "0b9f3c2e-6d1a-4b7e" && abbreviate("0b9f3c2e-6d1a-4b7f") == "0b9f3c2e-6d1a-4b7f")
        #expect(IdentifierAbbreviation(["abc"], minimumLength: 8)("abc") == "abc")
    }

    @Test("the row policy keeps the first rows that read enough and sums the rest")
    func rowSelection() {
        let rows: [UInt64] = [900, 500, 300, 200, 10]
        let top = RowSelection(rows, policy: RowPolicy(top: 2), bytes: { $0 })
        #expect(top.shown == [900, 500] && top.rest == [300, 200, 10])
        let floor = RowSelection(rows, policy: RowPolicy(minimumBytes: 250), bytes: { $0 })
        #expect(floor.shown == [900, 500, 300] && floor.rest == [200, 10])
        #expect(RowSelection(rows, policy: RowPolicy(), limit: 4, bytes: { $0 }).shown.count == 4)
        #expect(RowSelection(rows, policy: RowPolicy(top: 3), limit: 4, bytes: { $0 }).shown.count == 3)
        #expect(RowSelection([UInt64(3 << 20)], policy: RowPolicy(top: 1), bytes: { $0 }).restLine("rows", bytes: { $0 }) == nil)
        #expect(
            RowSelection([UInt64(3 << 20), 1 << 20], policy: RowPolicy(top: 1), bytes: { $0 }).restLine("rows", bytes: { $0 })
                == "… 1 more rows: 1 MiB")
    }
}
