import Testing

@testable import ReadTraceCore

/// A file's filesystem type and how warm its first load started, and the FUSE daemon behind a
/// client's reads: from the aggregate to the dump, the load timeline's labels and the summary.
@Suite("Filesystem types, warm and cold starts, FUSE daemons")
struct FilesystemFactsTests {
    static let fuse = DeviceNumber(major: 0, minor: 44)
    static let client = FileID(device: fuse, inode: 2)
    static let backing = FileID(device: DeviceNumber(major: 7, minor: 1), inode: 12)
    static let size: UInt64 = 8 << 20

    static func aggregate() -> TraceAggregate {
        var aggregate = TraceAggregate(startNanoseconds: DumpTests.start)
        aggregate.record(.process(ProcessRecord(pid: 10, parentPid: 1, cgroupID: 7, comm: "loader")))
        aggregate.record(.process(ProcessRecord(pid: 11, parentPid: 1, cgroupID: 7, comm: "loader")))
        aggregate.record(.process(ProcessRecord(pid: 20, parentPid: 1, cgroupID: 7, comm: "bindfs")))
        aggregate.record(
            .file(
                FileRecord(
                    id: client, path: Array("/mnt/model.bin".utf8), sizeBytes: size, kind: .regular, deleted: false,
                    filesystemType: "fuse", cachedBytesAtFirstRead: size / 4)))
        aggregate.record(
            .file(
                FileRecord(
                    id: backing, path: Array("/data/model.bin".utf8), sizeBytes: size, kind: .regular, deleted: false,
                    filesystemType: "ext4", cachedBytesAtFirstRead: 0)))
        aggregate.record(.fuseDaemon(FuseDaemonRecord(pid: 20, filesystem: fuse)))
        aggregate.record(.fuseDaemon(FuseDaemonRecord(pid: 20, filesystem: fuse)))
        for (pid, file, end) in [(10, client, 100_000_000), (20, backing, 90_000_000), (11, client, 300_000_000)]
            as [(Int32, FileID, UInt64)]
        {
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: pid, threadID: pid, file: file, endNanoseconds: DumpTests.start + end, latencyNanoseconds: 50_000_000,
                        result: Int64(size))))
        }
        return aggregate
    }

    @Test("the dump gives each file's filesystem type and cached bytes at its first read, and marks the daemon")
    func dumpFields() throws {
        var aggregate = Self.aggregate()
        // Named again once deleted: the page cache at the first read stays what it was.
        aggregate.record(
            .file(
                FileRecord(
                    id: Self.client, path: Array("/mnt/model.bin".utf8), sizeBytes: Self.size, kind: .regular, deleted: true,
                    filesystemType: "fuse", cachedBytesAtFirstRead: Self.size)))
        let dump = DumpDocument(aggregate: aggregate, metadata: DumpTests.metadata(), pathFilter: PathFilter([]))
        let client = try #require(dump.files.first { $0.path == "/mnt/model.bin" })
        #expect(client.fsType == "fuse" && client.cachedAtStartBytes == Self.size / 4 && client.deleted)
        #expect(dump.files.first { $0.path == "/data/model.bin" }?.cachedAtStartBytes == 0)
        #expect(dump.processes.first { $0.pid == 20 }?.fuseServes == ["0:44"], "noted once")
        #expect(dump.processes.first { $0.pid == 10 }?.fuseServes == nil)
        let decoded = try DumpDocument.decode(try dump.encoded())
        #expect(decoded.files == dump.files && decoded.processes == dump.processes)
    }

    @Test("a file's first load says how warm it started; later loads of it, and unmeasured files, say nothing")
    func warmth() throws {
        let dump = DumpDocument(aggregate: Self.aggregate(), metadata: DumpTests.metadata(), pathFilter: PathFilter([]))
        let loads = dump.loads
        #expect(loads.map(\.read.pid) == [20, 10, 11], "in the order they started")
        #expect(loads.map(\.warmth) == ["cold", "25% warm", nil])
        #expect(loads[1].label == "loader 10 model.bin 25% warm")
        let short = loads[1].label(width: 26)
        #expect(short.count <= 26 && short.hasPrefix("loader 10 m") && short.hasSuffix("n 25% warm"), "the file name gives way: \(short)")
        var warm = dump
        warm.files[0].cachedAtStartBytes = Self.size - 1
        warm.files[1].cachedAtStartBytes = nil
        #expect(warm.loads.map(\.warmth) == [nil, "warm", nil])
    }

    @Test("the summary and report say what the daemon read itself and what its clients read through it")
    func summaryLine() {
        let dump = DumpDocument(aggregate: Self.aggregate(), metadata: DumpTests.metadata(), pathFilter: PathFilter([]))
        let line = "FUSE: bindfs 20 serves 0:44: 2 clients read 16M through it, it read 8.0M itself"
        #expect(FuseDaemonSummary.lines(dump) == [line])
        #expect(DumpReport(width: 120).render(dump).contains(line))
        var hostile = dump
        hostile.processes[2].comm = "bind\u{1b}[2Jfs"
        #expect(FuseDaemonSummary.lines(hostile).first?.contains("\u{1b}") == false, "names are escaped")
    }
}
