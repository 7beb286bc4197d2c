import Foundation
import PropertyBased
import Testing

@testable import ReadTraceCore

/// The fast dump reader against Foundation's JSONDecoder: on any JSON text the same values,
/// and never a value where JSONDecoder has none.
@Suite("JSONBytesDecoder")
struct JSONBytesDecoderTests {
    struct Inner: Codable, Equatable {
        var counts: [UInt64]
        var label: String?
    }

    struct Sample: Codable, Equatable {
        var text: String
        var share: Double
        var delta: Int64
        var total: UInt64
        var pid: Int32
        var flag: Bool
        var optional: Double?
        var names: [String]
        var values: [Double]
        var inner: Inner
        var list: [Inner]
    }

    /// Strings as JSON writes them: escapes of every kind, \u with surrogate pairs, raw UTF-8.
    static let strings = [
        #""""#, #""plain""#, #""a\"b\\c\/d""#, #""\b\f\n\r\t""#, #""\u00e9\u00E9é""#, #""\ud83d\ude00 😀""#,
        #""\u0000\u001f""#, #""\u2028 x \uFFFF""#, #""/models/m0/model-00001.safetensors""#, #""日本語""#,
        #""\uD834\uDD1E""#, #""trailing\\""#,
    ]
    /// Numbers for double fields: exponents, fractions, negatives, the extremes of a double.
    static let doubles = [
        "0", "-0", "-0.0", "1", "0.1", "1.5e3", "1E-2", "2.5E+10", "-12.75", "123456789012345678901234", "4.9e-324",
        "1.7976931348623157e308", "0.30000000000000004", "9007199254740993", "1e22", "1e23", "0.000001", "3.14159265358979323846",
        "1e-7", "100000000000000000000.5",
    ]
    static let integers = [
        "0", "1", "-1", "9223372036854775807", "-9223372036854775808", "18446744073709551615", "9007199254740993",
        "2147483647", "-2147483648", "4294967295",
    ]
    static let spaces = ["", " ", "\n", "\t", "\r\n  "]

    /// A Sample's JSON text built from `choices` (members in any order, whitespace anywhere).
    static func text(_ choices: [Int]) -> String {
        var next = choices.makeIterator()
        func pick<T>(_ values: [T]) -> T { values[(next.next() ?? 0) % values.count] }
        func space() -> String { pick(spaces) }
        func array(_ elements: [String]) -> String {
            "[" + space() + elements.map { $0 + space() }.joined(separator: "," + space()) + "]"
        }
        func object(_ members: [(String, String)]) -> String {
            var members = members
            if pick([true, false]) { members.reverse() }
            return "{" + space() + members.map { "\"\($0.0)\"" + space() + ":" + space() + $0.1 + space() }.joined(separator: "," + space())
                + "}"
        }
        func inner() -> String {
            var members = [("counts", array((0..<pick([0, 1, 3, 5])).map { _ in pick(integers.filter { !$0.hasPrefix("-") }) }))]
            switch pick([0, 1, 2]) {
            case 0: members.append(("label", pick(strings)))
            case 1: members.append(("label", "null"))
            default: break
            }
            return object(members)
        }
        var members = [
            ("text", pick(strings)), ("share", pick(doubles)), ("delta", pick(integers.filter { Int64($0) != nil })),
            ("total", pick(integers.filter { UInt64($0) != nil })), ("pid", pick(integers.filter { Int32($0) != nil })),
            ("flag", pick(["true", "false"])), ("names", array((0..<pick([0, 2])).map { _ in pick(strings) })),
            ("values", array((0..<pick([0, 1, 4])).map { _ in pick(doubles) })), ("inner", inner()),
            ("list", array((0..<pick([0, 2])).map { _ in inner() })),
        ]
        switch pick([0, 1, 2]) {
        case 0: members.append(("optional", pick(doubles)))
        case 1: members.append(("optional", "null"))
        default: break
        }
        if pick([true, false]) { members.append(("unknown", "{\"a\":[1,2.5e-3,\"\\u0041\",null,true,{}],\"b\":\(pick(strings))}")) }
        return space() + object(members) + space()
    }

    static let choices = Gen.int(in: 0...10_000).array(of: 80)

    @Test("on valid JSON it reads what JSONDecoder reads")
    func validText() async {
        await propertyCheck(count: 300, input: Self.choices) { choices in
            let text = Self.text(choices)
            let expected = try? JSONDecoder().decode(Sample.self, from: Data(text.utf8))
            let fast = try? JSONBytesDecoder.decode(Sample.self, from: Array(text.utf8))
            #expect(expected != nil, "JSONDecoder refused \(text)")
            #expect(fast == expected, "\(text)")
        }
    }

    /// Bytes that break JSON in interesting ways where they land.
    static let damage = [
        "", "\"", "\\", "\\u", "\\ud800", ",", "}", "]", "{", "-", "e", "1e400", ".", "\u{01}", "\u{FF}", "0", "null", "tru",
    ]

    @Test("on damaged JSON it reads a value only where JSONDecoder reads the same")
    func damagedText() async {
        await propertyCheck(count: 400, input: Self.choices, Gen.int(in: 0...100_000), Gen.element(of: Self.damage)) {
            choices, place, damage in
            var bytes = Array(Self.text(choices).utf8)
            let at = place % (bytes.count + 1)
            bytes.replaceSubrange(at..<min(bytes.count, at + place % 3), with: Array(damage!.utf8))
            guard let fast = try? JSONBytesDecoder.decode(Sample.self, from: bytes) else { return }
            let expected = try? JSONDecoder().decode(Sample.self, from: Data(bytes))
            #expect(fast == expected, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test(
        "it refuses what JSONDecoder refuses or reads its own way",
        arguments: [
            #"{"a": 1e400}"#, #"{"a": 1.0}"#, #"{"a": -0}"#, #"{"a": 1, "a": 2}"#, #"{"a": 18446744073709551616}"#, #"{"a": 01}"#,
            #"{"a": 1} x"#, #"{"a": "\ud800"}"#, #"{"a": "\udc00\ud800"}"#, "{\"a\": 1, \"s\": \"\u{01}\"}", #"{"a": 1,}"#, #"{"a": .5}"#,
            #"{"a": 1e-400}"#,
        ])
    func refusals(text: String) {
        struct One: Decodable { var a: UInt64 }
        #expect(throws: JSONText.Refusal.self) { try JSONBytesDecoder.decode(One.self, from: Array(text.utf8)) }
    }

    @Test("it refuses nesting deeper than JSONDecoder reads, without recursing")
    func deepNesting() {
        struct One: Decodable { var a: [UInt64] }
        let deep = "{\"a\":[], \"b\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: JSONText.Refusal.self) { try JSONBytesDecoder.decode(One.self, from: Array(deep.utf8)) }
        let fine = "{\"a\":[], \"b\":" + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "}"
        #expect((try? JSONBytesDecoder.decode(One.self, from: Array(fine.utf8)))?.a == [])
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(
        "committed dumps read as JSONDecoder reads them",
        arguments: [
            "Tests/Fixtures/dumps-v1/solo.json", "Tests/Fixtures/dumps-v1/storm.json", "Tests/Fixtures/dumps-v1/hostile.json",
            "Tests/ReadTraceKernelTests/Fixtures/recorded-run.dump.json",
        ])
    func fixtures(path: String) throws {
        let bytes = Array(try Data(contentsOf: Self.repository.appendingPathComponent(path)))
        let expected = try JSONDecoder().decode(DumpDocument.self, from: Data(bytes))
        #expect(try JSONBytesDecoder.decode(DumpDocument.self, from: bytes) == expected)
        #expect(
            try JSONBytesDecoder.decode(DumpDocument.self, from: UntrustedInputProperties.baseDump)
                == (try JSONDecoder().decode(DumpDocument.self, from: Data(UntrustedInputProperties.baseDump))))
    }
}
