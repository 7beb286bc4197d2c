import Foundation
import Testing

@testable import ReadTraceCore

/// The README's examples are drawn by readtrace from fixed runs, so they cannot drift from what
/// it prints. `READTRACE_UPDATE_README=1 swift test --filter ReadmeExampleTests` redraws them.
@Suite("README examples")
struct ReadmeExampleTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    /// The live view of a node at 160 columns: a model load in a pod, a Python server's small files, an ended dd.
    static func liveView() -> String {
        (["$ sudo readtrace --comm trtserver --comm python3 --comm dd"] + LiveViewTests.render(width: 160, height: 16))
            .joined(separator: "\n")
    }

    /// The dump of a small run with a loop device, every field, objects one key a line, arrays of
    /// numbers on one line.
    static func dump() throws -> String {
        var history = DeviceHistory(startNanoseconds: DumpTests.start)
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0", at: DumpTests.start))
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 100 0 204800 50 0 0 0 0 0 500 900", at: DumpTests.start + 1_000_000_000))
        let document = DumpDocument(
            aggregate: DumpTests.aggregate(), metadata: DumpTests.metadata(), pathFilter: PathFilter([]), deviceHistory: history)
        return pretty(try JSONDecoder().decode(JSONValue.self, from: Data(try document.encoded())), indent: "")
    }

    static func pretty(_ value: JSONValue, indent: String) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "\(flag)"
        case .unsigned(let number): return "\(number)"
        case .signed(let number): return "\(number)"
        case .double(let number): return "\(number)"
        case .string(let text):
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            return String(decoding: (try? encoder.encode(text)) ?? Data(), as: UTF8.self)
        case .array(let elements):
            let scalar = elements.allSatisfy {
                if case .array = $0 { return false }
                if case .object = $0 { return false }
                return true
            }
            if scalar { return "[" + elements.map { pretty($0, indent: indent) }.joined(separator: ", ") + "]" }
            let inner = indent + "  "
            return "[\n" + elements.map { inner + pretty($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let fields):
            let inner = indent + "  "
            return "{\n"
                + fields.keys.sorted().map { key in
                    "\(inner)\"\(key)\": " + pretty(fields[key] ?? .null, indent: inner)
                }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    @Test("the README's live view and dump examples are what readtrace draws", arguments: ["live-view", "dump"])
    func examplesAreCurrent(name: String) throws {
        let example = name == "live-view" ? Self.liveView() : try Self.dump()
        var text = try String(contentsOf: Self.readme, encoding: .utf8)
        let opening = "<!-- example \(name): drawn by Tests/ReadTraceCoreTests/ReadmeExampleTests.swift -->\n```\n"
        let start = try #require(text.range(of: opening), "README has no \(name) example marker")
        let end = try #require(text.range(of: "\n```\n", range: start.upperBound..<text.endIndex))
        if ProcessInfo.processInfo.environment["READTRACE_UPDATE_README"] == "1" {
            text.replaceSubrange(start.upperBound..<end.lowerBound, with: example)
            try text.write(to: Self.readme, atomically: true, encoding: .utf8)
            return
        }
        #expect(
            String(text[start.upperBound..<end.lowerBound]) == example,
            "README's \(name) example drifted: READTRACE_UPDATE_README=1 swift test --filter ReadmeExampleTests")
    }
}
