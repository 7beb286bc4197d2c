import Foundation
import Testing

@testable import ReadTraceCore

/// Files deeper than the kernel's path walk: completed from the reader's descriptor while it
/// is open, otherwise marked truncated and matched by `--path` on what is known.
@Suite("Paths deeper than the kernel's walk")
struct DeepPathTests {
    static let file = FileID(device: DeviceNumber(major: 8, minor: 1), inode: 99)
    static let truncated = FileRecord(
        id: file, path: Array("…/c/d/model.engine".utf8), sizeBytes: 10, kind: .regular,
        deleted: false, pathIsTruncated: true)

    static func read(pid: Int32, at end: UInt64) -> KernelEvent {
        .read(ReadRecord(pid: pid, threadID: pid, file: file, endNanoseconds: end, latencyNanoseconds: 10, result: 5))
    }

    @Test("a truncated path is replaced by the reader's descriptor's path, asked for once")
    func completedFromTheReader() {
        let asked = Counter()
        var aggregate = TraceAggregate(
            startNanoseconds: 0,
            resolveOpenFile: { pid, file in
                asked.add()
                return pid == 7 && file == Self.file ? Array("/a/b/c/d/model.engine".utf8) : nil
            })
        aggregate.record(.file(Self.truncated))
        aggregate.record(Self.read(pid: 7, at: 1))
        aggregate.record(Self.read(pid: 7, at: 2))
        #expect(aggregate.files[Self.file]?.path == Array("/a/b/c/d/model.engine".utf8))
        #expect(aggregate.files[Self.file]?.pathIsTruncated == false)
        #expect(asked.value == 1)
    }

    @Test("a file closed before it could be named stays truncated, and the dump says so")
    func staysTruncated() throws {
        var aggregate = TraceAggregate(startNanoseconds: 0)
        aggregate.record(.file(Self.truncated))
        aggregate.record(Self.read(pid: 7, at: 1))
        let metadata = RunMetadata(
            toolVersion: "0", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(), counters: KernelCounters())
        let dump = DumpDocument(aggregate: aggregate, metadata: metadata, pathFilter: PathFilter([]))
        #expect(dump.files.first?.pathTruncated == true)
        #expect(dump.files.first?.path == "…/c/d/model.engine")
        let json = String(decoding: try dump.encoded(), as: UTF8.self)
        #expect(json.contains("\"path_truncated\":true"))
    }

    @Test(
        "--path matches a truncated path when the glob could match some path ending in its known components",
        arguments: [
            ("*.engine", true), ("/a/b/c/d/*.engine", true), ("*/d/model.engine", true), ("/x/*/c/d/model.engine", true),
            ("*.onnx", false), ("/a/b/e/model.engine", false), ("/x/model.engine", false),
        ])
    func truncatedMatching(pattern: String, matches: Bool) {
        #expect(PathFilter([pattern]).matches(Self.truncated.path, truncated: true) == matches)
    }

    @Test("a whole path is matched as it is, never by the truncated rule")
    func wholePathsUnchanged() {
        let whole = Array("/q/c/d/model.engine".utf8)
        #expect(!PathFilter(["/a/*/c/d/model.engine"]).matches(whole))
        #expect(PathFilter(["/q/*"]).matches(whole))
    }

    @Test("a stat device number converts to the kernel's encoding")
    func userSpaceDeviceNumbers() {
        #expect(DeviceNumber(userSpace: 0x0801) == DeviceNumber(major: 8, minor: 1))
        #expect(DeviceNumber(userSpace: 0x1_0301) == DeviceNumber(major: 259, minor: 1))  // NVMe
        #expect(DeviceNumber(userSpace: 0x0012_3045) == DeviceNumber(major: 0x230, minor: 0x145))
    }
}

/// A count a @Sendable closure can bump.
private final class Counter: @unchecked Sendable {
    private(set) var value = 0
    func add() { value += 1 }
}
