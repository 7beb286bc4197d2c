import Foundation
import Testing

/// `report`, `diff` and `baseline` as a user runs them: the real binary on version-1 dumps that
/// main's release build wrote from real traced runs (Tests/Fixtures/dumps-v1, made by
/// scripts/record-dump-fixtures), and on damaged copies of them. No privileges needed.
@Suite("Offline commands on recorded dumps", .serialized)
struct OfflineCommandTests {
    static let fixtures = Paths.repository + "/Tests/Fixtures/dumps-v1"
    static let golden = Paths.repository + "/Tests/ReadTraceKernelTests/Fixtures/recorded-run.dump.json"
    static var solo: String { fixtures + "/solo.json" }
    static var storm: String { fixtures + "/storm.json" }
    static let key = "(resnet50)-v[0-9]+"

    static func run(_ arguments: [String]) throws -> Finished {
        try RunningProcess(Paths.readtrace, arguments).finish()
    }

    @Test(
        "version-1 dumps recorded by main's build draw at 80 columns, names escaped, exit 0",
        arguments: ["solo.json", "storm.json", "hostile.json"])
    func recordedDumps(name: String) throws {
        let result = try Self.run(["report", Self.fixtures + "/" + name, "--width", "80"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.isEmpty)
        #expect(result.standardOutput.contains("readtrace report: "))
        for line in result.standardOutput.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
        #expect(
            !result.standardOutput.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no control character reaches the terminal")
    }

    @Test("a hostile file name from a real run is shown escaped")
    func hostileNames() throws {
        let result = try Self.run(["report", Self.fixtures + "/hostile.json", "--width", "200"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains(#"evil\x1b[2J\nname.engine"#), "\(result.standardOutput)")
    }

    @Test("three readers of one model at once: read amplification 3.0x, 3 at once, in report and diff --json")
    func amplification() throws {
        let report = try Self.run(["report", Self.storm, "--width", "160"])
        #expect(report.status == 0)
        let row = report.standardOutput.split(separator: "\n").first { $0.contains("3.0x") && $0.contains("resnet50-v3.engine") }
        #expect(row != nil, "\(report.standardOutput)")
        let diff = try Self.run(["diff", Self.solo, Self.storm, "--key", Self.key, "--json", "-"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(diff.standardOutput.utf8)) as? [String: Any])
        let file = try #require((object["files"] as? [[String: Any]])?.first)
        #expect(file["key"] as? String == "resnet50")
        let before = try #require(file["before"] as? [String: Any])
        let after = try #require(file["after"] as? [String: Any])
        #expect(before["readers"] as? Int == 1)
        #expect(after["readers"] as? Int == 3)
        #expect(abs((after["read_amplification"] as? Double ?? 0) - 3) < 0.01)
        #expect((after["max_concurrent_readers"] as? Int ?? 0) >= 2)
        #expect(before["cache_miss_share"] as? Double ?? 0 > 0.9, "solo read its file from the disk")
        // The status follows the figures: 1 exactly when a file regressed.
        let regressed = object["regressed"] as? Int ?? -1
        #expect(diff.status == (regressed > 0 ? 1 : 0))
    }

    @Test("diff exits 0 for no regression, 1 for one, and matches only by --key across versions")
    func diffStatus() throws {
        let same = try Self.run(["diff", Self.solo, Self.solo, "--width", "1000"])
        #expect(same.status == 0)
        #expect(same.standardOutput.contains("1 file in both, 0 regressed"))
        let byPath = try Self.run(["diff", Self.solo, Self.storm, "--width", "1000"])
        #expect(byPath.status == 0)
        #expect(byPath.standardOutput.contains("0 files in both"))
        #expect(byPath.standardOutput.contains("Only in the baseline: 1 file"))
        // At a 0% threshold any slower load regresses: the status is what the JSON says.
        let strict = try Self.run(["diff", Self.solo, Self.storm, "--key", Self.key, "--threshold", "0%", "--json", "-"])
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(strict.standardOutput.utf8)) as? [String: Any])
        let file = try #require((figures["files"] as? [[String: Any]])?.first)
        let before = try #require((file["before"] as? [String: Any])?["load_s"] as? Double)
        let after = try #require((file["after"] as? [String: Any])?["load_s"] as? Double)
        #expect(strict.status == ((figures["regressed"] as? Int ?? 0) > 0 ? 1 : 0))
        #expect((file["regressed"] as? [String])?.contains("load_s") == (after > before && after - before > 0.01))
        let lenient = try Self.run(["diff", Self.solo, Self.storm, "--key", Self.key, "--threshold", "1000%"])
        #expect(lenient.status == 0)
    }

    @Test("report merges real dumps into a dump the schema accepts, with a host column")
    func merge() throws {
        let scratch = try ScratchDirectory()
        let merged = scratch.path + "/merged.json"
        let result = try Self.run(["report", Self.solo, Self.storm, "--width", "100", "--json", merged])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("2 dumps merged on wall-clock time"))
        #expect(result.standardOutput.contains("HOST"))
        let validator = try RunningProcess(Paths.repository + "/scripts/validate-dump", [Paths.schema, merged]).finish()
        #expect(validator.status == 0, "\(validator.standardOutput)")
        let again = try Self.run(["report", merged, "--width", "100"])
        #expect(again.status == 0)
        let both = try Self.run(["report", merged, Self.solo])
        #expect(both.status == 2)
        #expect(both.standardError.contains("merged_from: a merged dump"))
    }

    @Test("baseline: update records once, check passes the same load and flags a departure (exit 1)")
    func baseline() throws {
        let scratch = try ScratchDirectory()
        let store = scratch.path + "/store"
        let first = try Self.run(["baseline", "update", store, Self.solo, "--key", Self.key])
        #expect(first.status == 0)
        #expect(first.standardOutput.contains("recorded 1 of 1"))
        let again = try Self.run(["baseline", "update", store, Self.solo, "--key", Self.key])
        #expect(again.standardOutput.contains("recorded 0 of 1"))
        let same = try Self.run(["baseline", "check", store, Self.solo, "--key", Self.key, "--min-history", "1", "--width", "80"])
        #expect(same.status == 0, "\(same.standardOutput)")
        #expect(same.standardOutput.contains(" ok "))
        let storm = try Self.run(["baseline", "check", store, Self.storm, "--key", Self.key, "--min-history", "1", "--width", "80"])
        #expect(storm.status == 1, "\(storm.standardOutput)")
        #expect(storm.standardOutput.contains("SLOWER") || storm.standardOutput.contains("FASTER"))
        let unjudged = try Self.run(["baseline", "check", store, Self.storm, "--key", Self.key])
        #expect(unjudged.status == 0, "a history of one load is too short under the default --min-history")
        let missing = try Self.run(["baseline", "check", scratch.path + "/none", Self.solo])
        #expect(missing.status == 2)
    }

    /// Damaged copies of a real dump: each is refused with one line naming the file, exit 2.
    static func damaged(in scratch: ScratchDirectory) throws -> [String] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: solo))
        let text = String(decoding: bytes, as: UTF8.self)
        let versions = text.replacingOccurrences(of: "\"schema_version\":1", with: "\"schema_version\":2")
        let corrupt = text.replacingOccurrences(of: "\"read_bytes\":", with: "\"read_bytes\":-")
        let copies: [(String, Data)] = [
            ("truncated.json", bytes.prefix(bytes.count / 2)), ("empty.json", Data()), ("version.json", Data(versions.utf8)),
            ("corrupt.json", Data(corrupt.utf8)), ("binary.json", Data([0x7F, 0x45, 0x4C, 0x46, 0, 1])),
        ]
        #expect(versions != text && corrupt != text)
        return try copies.map { name, content in
            let path = scratch.path + "/" + name
            try content.write(to: URL(fileURLWithPath: path))
            return path
        } + [scratch.path]
    }

    @Test("truncated, empty, corrupt, binary and wrong-version files and directories: one line each, exit 2, for every command")
    func damagedDumps() throws {
        let scratch = try ScratchDirectory()
        let store = scratch.path + "/store"
        for path in try Self.damaged(in: scratch) {
            for arguments in [
                ["report", path], ["report", Self.solo, path], ["diff", Self.solo, path], ["diff", path, Self.solo],
                ["baseline", "update", store, path], ["baseline", "check", store, path],
            ] {
                let result = try Self.run(arguments)
                #expect(result.status == 2, "\(arguments): \(result.standardError)")
                let lines = result.standardError.split(separator: "\n")
                #expect(lines.count == 1 && lines.first?.hasPrefix("readtrace: \(path)") == true, "\(arguments): \(result.standardError)")
                #expect(result.standardOutput.isEmpty)
            }
        }
    }
}
