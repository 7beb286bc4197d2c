import Foundation
import Testing

@testable import ReadTraceCore

/// `readtrace diff BASELINE NEW`: files matched, figures before and after, regressions.
@Suite struct DumpDiffTests {
    static func dump(_ loads: [StormFixture.Load]) -> [FileProfile] {
        FileProfile.profiles(of: StormFixture.dump(loads, utilization: [100, 100, 100, 100]), rule: LoadRule(), key: FileKey())
    }

    @Test("a load 50% slower is a regression at a 20% threshold and not at 60%; the same load is none")
    func threshold() {
        let before = Self.dump([StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 2)])
        let after = Self.dump([StormFixture.Load(pid: 2, inode: 1, begin: 0, seconds: 3)])
        let diff = DumpDiff(before: before, after: after, threshold: 0.2)
        #expect(diff.changes.count == 1)
        #expect(diff.regressed.first?.regressions == [.loadTime, .throughput])
        #expect(abs((diff.changes[0].ratio(.loadTime) ?? 0) - 1.5) < 0.01)
        #expect(DumpDiff(before: before, after: after, threshold: 0.6).regressed.isEmpty)
        #expect(DumpDiff(before: before, after: before, threshold: 0).regressed.isEmpty)
        // Faster is no regression.
        #expect(DumpDiff(before: after, after: before, threshold: 0.2).regressed.isEmpty)
    }

    @Test("--key compares resnet50-v3.engine with resnet50-v2.engine; files only one dump has are listed apart")
    func key() throws {
        let before = StormFixture.dump(
            [
                StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 1, path: "/models/resnet50-v2.engine"),
                StormFixture.Load(pid: 1, inode: 2, begin: 1, seconds: 1, path: "/models/yolo.engine"),
            ], utilization: [100, 100])
        let after = StormFixture.dump(
            [StormFixture.Load(pid: 1, inode: 3, begin: 0, seconds: 1, path: "/models/resnet50-v3.engine")], utilization: [100])
        let byPath = DumpDiff(
            before: FileProfile.profiles(of: before, rule: LoadRule(), key: FileKey()),
            after: FileProfile.profiles(of: after, rule: LoadRule(), key: FileKey()), threshold: 0.2)
        #expect(byPath.changes.isEmpty)
        let key = try FileKey(pattern: #"(resnet50|yolo)(-v[0-9]+)?\.engine"#)
        let diff = DumpDiff(
            before: FileProfile.profiles(of: before, rule: LoadRule(), key: key),
            after: FileProfile.profiles(of: after, rule: LoadRule(), key: key), threshold: 0.2)
        #expect(diff.changes.map(\.key) == ["resnet50"])
        #expect(diff.changes.first?.before.path == "/models/resnet50-v2.engine")
        #expect(diff.changes.first?.after.path == "/models/resnet50-v3.engine")
        #expect(diff.onlyBefore.map(\.key) == ["yolo"])
        #expect(key.key(of: "/models/bert.onnx") == nil)
        #expect(try FileKey(pattern: "v[0-9]").key(of: "/m/v3.engine") == "v3")
        #expect(throws: (any Error).self) { try FileKey(pattern: "(") }
    }

    @Test("a few milliseconds more on a tiny load is noise, not a regression")
    func noise() {
        let before = Self.dump([StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 0.002, mebibytes: 1, path: "/m/a.engine")])
        let after = Self.dump([StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 0.008, mebibytes: 1, path: "/m/a.engine")])
        #expect(DumpDiff(before: before, after: after, threshold: 0.2).regressed.isEmpty)
    }

    @Test("the JSON has every matched file's figures, read amplification and readers at once, and the regressed figures")
    func json() throws {
        let before = Self.dump([StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 1)])
        let after = Self.dump([
            StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 2), StormFixture.Load(pid: 2, inode: 1, begin: 0.5, seconds: 2),
        ])
        let diff = DumpDiff(before: before, after: after, threshold: 0.2)
        let bytes = try DiffDocument(diff, baseline: "a.json", new: "b.json", key: FileKey()).encoded()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["regressed"] as? Int == 1)
        let file = try #require((object["files"] as? [[String: Any]])?.first)
        #expect(file["regressed"] as? [String] == ["load_s"])  // 200 MiB over 2.5 s: exactly 20% lower, not more
        let afterFigures = try #require(file["after"] as? [String: Any])
        #expect(afterFigures["read_amplification"] as? Double == 2)
        #expect(afterFigures["max_concurrent_readers"] as? Int == 2)
        #expect(afterFigures["readers"] as? Int == 2)
        #expect((file["before"] as? [String: Any])?["cache_miss_share"] as? Double == 1)
    }

    @Test("hostile paths are escaped in the diff's text, every line fits 80 columns, regressed files are named")
    func text() {
        let path = "/models/evil\n\u{1B}[2J.engine"
        let before = Self.dump([StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 1, path: path)])
        let after = Self.dump([StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 2, path: path)])
        let text = DiffReport(width: 80).render(
            DumpDiff(before: before, after: after, threshold: 0.2), baseline: "a\u{1B}.json", new: "b.json")
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains(#"evil\n\x1b[2J.engine"#))
        #expect(text.contains("REGRESSED"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(text)")
    }
}
