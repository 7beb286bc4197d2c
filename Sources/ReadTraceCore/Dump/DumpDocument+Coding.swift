import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension DumpDocument {
    /// The dump of a run; see `DumpContents`.
    public init(
        aggregate: TraceAggregate, metadata: RunMetadata, pathFilter: PathFilter,
        deviceHistory: DeviceHistory? = nil, topology: BlockDeviceTopology = BlockDeviceTopology(),
        deviceReads: [DeviceNumber: DeviceReadCounters] = [:]
    ) {
        self.init(
            DumpContents(
                aggregate: aggregate, metadata: metadata, pathFilter: pathFilter, deviceHistory: deviceHistory,
                topology: topology, deviceReads: deviceReads))
    }

    /// The whole dump, every read and file in memory.
    public init(_ contents: DumpContents) {
        self = contents.outline
        reads = Array(contents.reads)
        files = Array(contents.files)
    }

    /// The dump with a timeline only in the reads `rule` counts as loads: what the timelines,
    /// the storm summary, the tables and the trace events draw from (`DumpSource`).
    public init(_ contents: DumpContents, timelinesFor rule: LoadRule) {
        self = contents.outline
        reads = Array(contents.reads(timelinesFor: rule))
        files = Array(contents.files)
    }

    /// Compact JSON with keys sorted and slashes left alone.
    public func encoded() throws -> [UInt8] {
        Array(try Self.encoder().encode(self)) + [UInt8(ascii: "\n")]
    }

    /// Writes the bytes `encoded()` returns, in pieces, a file or a read at a time: encoding a
    /// merged dump whole held its every entry twice more (over 1 GiB for 100,000 entries).
    public func write(to output: ([UInt8]) throws -> Void) throws {
        var outline = self
        outline.files = []
        outline.reads = []
        try Self.write(outline: outline, files: files, reads: reads, to: output)
    }

    /// The outline's JSON (a dump with no files and no reads), with `files` and `reads` encoded
    /// one by one into its empty arrays.
    static func write(
        outline document: DumpDocument, files: some Sequence<File>, reads: some Sequence<Read>, to output: ([UInt8]) throws -> Void
    ) throws {
        let encoder = encoder()
        let outline = Array(try encoder.encode(document))
        var rest = outline[...]
        // The outline's empty arrays are where the files and the reads go. No other object in a
        // dump has the key "files" or "reads", and a quote inside a string is escaped, so each
        // marker occurs once.
        func write(_ elements: some Sequence<some Encodable>, intoArrayAt marker: String) throws {
            guard let opening = rest.firstRange(of: Array(marker.utf8)) else {
                preconditionFailure("a dump outline has \(marker)]")
            }
            try output(Array(rest[..<opening.upperBound]))
            rest = rest[opening.upperBound...]
            for (index, element) in elements.enumerated() {
                try output((index == 0 ? [] : [UInt8(ascii: ",")]) + Array(try encoder.encode(element)))
            }
        }
        try write(files, intoArrayAt: #""files":["#)
        try write(reads, intoArrayAt: #""reads":["#)
        try output(Array(rest) + [UInt8(ascii: "\n")])
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Why a dump cannot be used: one line per problem, each naming the field.
    public struct DecodingFailure: Error, CustomStringConvertible, Sendable, Equatable {
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }

        init(_ problems: [String]) { self.problems = problems }
        init(_ problem: String) { self.problems = [problem] }
    }

    static let unparsable = "not JSON that can be read: a syntax error, a number beyond a double's range or an escape that is no character"

    /// Reads a dump back and checks it (`DumpValidation`); refuses corrupt input, other schema
    /// versions and impossible values with a line per problem.
    public static func decode(_ bytes: [UInt8]) throws(DecodingFailure) -> DumpDocument {
        struct Version: Decodable {
            var schemaVersion: Int

            enum CodingKeys: String, CodingKey {
                case schemaVersion = "schema_version"
            }
        }
        // One fast parse when the dump is good (JSONDecoder takes a minute over 100 MB); JSONDecoder
        // when it is not (or holds what only JSONDecoder reads), then the version and the field at fault.
        if let dump = try? JSONBytesDecoder.decode(DumpDocument.self, from: bytes) { return try checked(dump) }
        let data = Data(bytes)
        let dump: DumpDocument
        do {
            dump = try JSONDecoder().decode(DumpDocument.self, from: data)
        } catch {
            guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
                guard (try? JSONDecoder().decode(JSONValue.self, from: data)) != nil else { throw DecodingFailure(unparsable) }
                throw DecodingFailure("not a readtrace dump (no schema_version in a JSON object)")
            }
            try checkVersion(version.schemaVersion)
            // JSONDecoder names neither the field nor the value of a number that does not fit:
            // decode the tree again to say which.
            guard let tree = try? JSONDecoder().decode(JSONValue.self, from: data) else { throw DecodingFailure(unparsable) }
            do {
                _ = try JSONValueDecoder(tree).decode(DumpDocument.self)
            } catch let mismatch as JSONValueDecoder.Mismatch {
                throw DecodingFailure(mismatch.description)
            } catch {
                throw DecodingFailure("corrupt readtrace dump")
            }
            throw DecodingFailure("corrupt readtrace dump")
        }
        return try checked(dump)
    }

    private static func checked(_ dump: DumpDocument) throws(DecodingFailure) -> DumpDocument {
        try checkVersion(dump.schemaVersion)
        let problems = DumpValidation(dump).problems
        guard problems.isEmpty else { throw DecodingFailure(problems) }
        return dump
    }

    private static func checkVersion(_ version: Int) throws(DecodingFailure) {
        guard version == currentSchemaVersion else {
            throw DecodingFailure("dump has schema version \(version); this readtrace reads version \(currentSchemaVersion)")
        }
    }

    static func seconds(_ nanoseconds: UInt64, since start: UInt64) -> Double {
        guard nanoseconds != .max, nanoseconds > start else { return 0 }
        return rounded(Double(nanoseconds - start) / 1e9, decimals: 6)
    }

    public static func rounded(_ value: Double, decimals: Int) -> Double {
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        return (value * factor).rounded() / factor
    }

    /// "2026-11-24T22:44:09.123Z".
    public static func iso8601(unixSeconds: Double) -> String {
        let totalMilliseconds = Int64((unixSeconds * 1000).rounded())
        var seconds = time_t(totalMilliseconds / 1000)
        let milliseconds = Int(totalMilliseconds % 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ digits: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T"
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2)).\(padded(Int32(milliseconds), 3))Z"
    }

    /// The inverse of `iso8601(unixSeconds:)`: "2026-11-24T22:44:09.123Z" (milliseconds optional);
    /// nil for any other text.
    static func unixSeconds(iso8601 text: String) -> Double? {
        let characters = Array(text.utf8)
        guard characters.count == 20 || characters.count == 24, characters.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            guard range.upperBound <= characters.count else { return nil }
            var value: Int32 = 0
            for character in characters[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character) else { return nil }
                value = value * 10 + Int32(character - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")]
        guard separators.allSatisfy({ characters[$0.0] == $0.1.asciiValue }),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var milliseconds: Int32 = 0
        if characters.count == 24 {
            guard characters[19] == UInt8(ascii: "."), let fraction = number(20..<23) else { return nil }
            milliseconds = fraction
        }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Double(timegm(&parts)) + Double(milliseconds) / 1000
    }
}
