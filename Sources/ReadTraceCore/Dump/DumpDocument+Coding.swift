#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

extension DumpDocument {
    /// The dump of a run; see `DumpContents`.
    public init(aggregate: TraceAggregate, metadata: RunMetadata, pathFilter: PathFilter,
                deviceHistory: DeviceHistory? = nil, topology: BlockDeviceTopology = BlockDeviceTopology(),
                deviceReads: [DeviceNumber: DeviceReadCounters] = [:]) {
        self.init(DumpContents(aggregate: aggregate, metadata: metadata, pathFilter: pathFilter, deviceHistory: deviceHistory,
                               topology: topology, deviceReads: deviceReads))
    }

    /// The whole dump, every read and file in memory.
    public init(_ contents: DumpContents) {
        self = contents.outline
        reads = Array(contents.reads)
        files = Array(contents.files)
    }

    /// Compact JSON with keys sorted and slashes left alone.
    public func encoded() throws -> [UInt8] {
        Array(try Self.encoder().encode(self)) + [UInt8(ascii: "\n")]
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public struct DecodingFailure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads a dump back; refuses corrupt input and other schema versions with one line.
    public static func decode(_ bytes: [UInt8]) throws -> DumpDocument {
        struct Version: Decodable {
            var schema_version: Int
        }
        let data = Data(bytes)
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw DecodingFailure(description: "not a readtrace dump (no schema_version in a JSON object)")
        }
        guard version.schema_version == currentSchemaVersion else {
            throw DecodingFailure(description: "dump has schema version \(version.schema_version); this readtrace reads version \(currentSchemaVersion)")
        }
        do {
            return try JSONDecoder().decode(DumpDocument.self, from: data)
        } catch {
            throw DecodingFailure(description: "corrupt readtrace dump: \(error)")
        }
    }

    static func seconds(_ nanoseconds: UInt64, since start: UInt64) -> Double {
        guard nanoseconds != .max, nanoseconds > start else { return 0 }
        return rounded(Double(nanoseconds - start) / 1e9, decimals: 6)
    }

    static func rounded(_ value: Double, decimals: Int) -> Double {
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        return (value * factor).rounded() / factor
    }

    /// "2026-11-24T22:44:09.123Z".
    static func iso8601(unixSeconds: Double) -> String {
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
}
