import Foundation
import Testing

@testable import ReadTraceCore

/// The dump's entries read straight from the bytes against the Codable path: the same values,
/// and a refusal (then the Codable path) for what the fast path leaves to it.
@Suite("JSONBytesDecodable")
struct JSONBytesDecodableTests {
    /// Each element of the dump's array `name`: where it starts in the text, and its bytes.
    static func elements(of name: String, in text: JSONText) throws -> [(start: Int, bytes: [UInt8])] {
        guard let array = try JSONMembers(of: text, at: text.root).first(where: { Array($0.name) == Array(name.utf8) })?.value
        else { return [] }
        var elements: [(Int, [UInt8])] = []
        try text.forEachElement(at: array) { start in
            elements.append((start, Array(text.bytes[start..<text.end(ofValueAt: start)])))
        }
        return elements
    }

    /// How many of the array's entries the fast path read (each the same as JSONDecoder reads it).
    static func fastReads<Entry: JSONBytesDecodable & Equatable>(
        _ type: Entry.Type, array: String, in text: JSONText
    ) throws -> (
        fast: Int, all: Int
    ) {
        let elements = try elements(of: array, in: text)
        var fast = 0
        for (start, bytes) in elements {
            let expected = try JSONDecoder().decode(Entry.self, from: Data(bytes))
            if let value = try? Entry(bytesAt: start, in: text) {
                #expect(value == expected, "\(String(decoding: bytes, as: UTF8.self))")
                fast += 1
            }
            #expect(try JSONBytesDecoder.decode(Entry.self, from: bytes) == expected)
        }
        return (fast, elements.count)
    }

    @Test(
        "committed dumps' reads, files and processes read from the bytes as JSONDecoder reads them",
        arguments: [
            ("Tests/Fixtures/dumps-v1/solo.json", true), ("Tests/Fixtures/dumps-v1/storm.json", true),
            ("Tests/Fixtures/dumps-v1/hostile.json", false), ("Tests/ReadTraceKernelTests/Fixtures/recorded-run.dump.json", true),
        ])
    func fixtures(path: String, plain: Bool) throws {
        let bytes = Array(try Data(contentsOf: JSONBytesDecoderTests.repository.appendingPathComponent(path)))
        // Written back in pieces (report --json), a dump is the bytes it encodes to whole.
        let document = try DumpDocument.decode(bytes)
        var streamed: [UInt8] = []
        try document.write { streamed += $0 }
        #expect(try streamed == document.encoded())
        try bytes.withUnsafeBufferPointer { buffer in
            let text = try JSONText(buffer)
            let reads = try Self.fastReads(DumpDocument.Read.self, array: "reads", in: text)
            let files = try Self.fastReads(DumpDocument.File.self, array: "files", in: text)
            let processes = try Self.fastReads(DumpDocument.Process.self, array: "processes", in: text)
            #expect(reads.all > 0 && files.all > 0 && processes.all > 0)
            // Every entry of a dump without escaped names takes the fast path; the hostile dump's
            // escaped paths and command lines take the Codable one.
            #expect(reads.fast == reads.all)
            #expect(
                plain
                    ? files.fast == files.all && processes.fast == processes.all : files.fast < files.all && processes.fast < processes.all)
        }
    }

    static let file =
        #"{"deleted":false,"dev":"259:0","device_name":"nvme0n1","disk_name":"nvme0n1","file_id":3,"inode":12,"lower_dev":null,"#
        + #""lower_inode":null,"path":"/models/a.safetensors","size_bytes":4096}"#

    @Test(
        "an entry the fast path does not read (escapes, unknown or repeated members, other types) is read through init(from:)",
        arguments: [
            file.replacingOccurrences(of: "/models/a", with: #"/models/\u00e9\n"#),
            file.replacingOccurrences(of: #""inode":12"#, with: #""inode":12,"owner":{"uid":[0,"x"]}"#),
            file.replacingOccurrences(of: #""dev":"259:0""#, with: #""d\u0065v":"259:0""#),
            file.replacingOccurrences(of: #""size_bytes":4096"#, with: #""size_bytes":4096,"size_bytes":8192"#),
            file.replacingOccurrences(of: #""inode":12"#, with: #""inode":12.0"#),
            file.replacingOccurrences(of: #""deleted":false"#, with: #""deleted":0"#),
            file.replacingOccurrences(of: #""file_id":3,"#, with: ""),
        ])
    func fallback(json: String) throws {
        let bytes = Array(json.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let text = try JSONText(buffer)
            #expect(throws: JSONText.Refusal.self) { try DumpDocument.File(bytesAt: text.root, in: text) }
        }
        let expected = try? JSONDecoder().decode(DumpDocument.File.self, from: Data(bytes))
        // The Codable path reads what JSONDecoder reads, or refuses and leaves it to JSONDecoder.
        if let read = try? JSONBytesDecoder.decode(DumpDocument.File.self, from: bytes) { #expect(read == expected) }
    }

    @Test("an entry the fast path reads is the one JSONDecoder reads, members in any order, nulls for optionals")
    func plainEntry() throws {
        let reordered =
            #"{"size_bytes":4096,"path":"/models/a.safetensors","inode":12,"file_id":3,"dev":"259:0","deleted":true,"#
            + #""host":null,"fs_type":"ext4","cached_at_start_bytes":0,"path_truncated":true}"#
        for json in [Self.file, reordered] {
            let bytes = Array(json.utf8)
            let fast = try bytes.withUnsafeBufferPointer { buffer in
                let text = try JSONText(buffer)
                return try DumpDocument.File(bytesAt: text.root, in: text)
            }
            #expect(fast == (try JSONDecoder().decode(DumpDocument.File.self, from: Data(bytes))))
        }
    }
}
