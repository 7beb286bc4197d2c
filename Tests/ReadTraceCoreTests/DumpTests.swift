import Foundation
import Testing

@testable import ReadTraceCore

@Suite("JSON dump")
struct DumpTests {
    static let start: UInt64 = 1_000_000_000
    static let engine = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 12)
    static let oddName = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 13)
    static let notes = FileID(device: DeviceNumber(major: 254, minor: 0), inode: 14)
    static let oddBytes: [UInt8] = Array("/models/caf".utf8) + [0xE9] + Array(".bin".utf8)  // Latin-1, not UTF-8

    static func metadata(paths: [String] = [], hook: HookKind = .tracepoint) -> RunMetadata {
        RunMetadata(
            toolVersion: "0.1.0", host: .init(hostname: "node", kernel: "6.18", bootID: "00000000-0000-0000-0000-000000000000"),
            hook: hook, startedAtUnixSeconds: 1_764_024_249.123, durationSeconds: 2.5,
            filters: .init(comms: ["trtserver"], paths: paths), counters: KernelCounters(eventsEmitted: 9, eventsLost: 1))
    }

    static func aggregate() -> TraceAggregate {
        var aggregate = TraceAggregate(startNanoseconds: start) { TracedProcess(record: $0, cmdline: $0.cmdline, cgroupPath: "/pods/a") }
        aggregate.record(
            .process(ProcessRecord(pid: 42, parentPid: 1, cgroupID: 7, comm: "trtserver", cmdline: "trtserver --models /models")))
        aggregate.record(
            .file(FileRecord(id: engine, path: Array("/models/a.engine".utf8), sizeBytes: 8192, kind: .regular, deleted: false)))
        aggregate.record(.file(FileRecord(id: oddName, path: oddBytes, sizeBytes: 10, kind: .regular, deleted: true)))
        aggregate.record(.file(FileRecord(id: notes, path: Array("/etc/notes.txt".utf8), sizeBytes: 3, kind: .regular, deleted: false)))
        for (end, result) in [(150_000_000, 4096), (1_250_000_000, 4096), (1_260_000_000, 0), (1_270_000_000, -9)] as [(UInt64, Int64)] {
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: 42, threadID: 43, file: engine, endNanoseconds: start + end,
                        latencyNanoseconds: 2_500, result: result, cacheMissBytes: result > 0 ? 16384 : 0)))
        }
        aggregate.record(
            .read(ReadRecord(pid: 42, threadID: 42, file: oddName, endNanoseconds: start + 100, latencyNanoseconds: 10, result: 10)))
        aggregate.record(
            .read(ReadRecord(pid: 77, threadID: 77, file: notes, endNanoseconds: start + 200, latencyNanoseconds: 10, result: 3)))
        return aggregate
    }

    @Test("reads, files and processes carry the run's numbers")
    func numbers() throws {
        let dump = DumpDocument(aggregate: Self.aggregate(), metadata: Self.metadata(), pathFilter: PathFilter([]))
        let read = try #require(dump.reads.first { $0.fileID == 1 })
        #expect(read.pid == 42 && read.readCalls == 3 && read.readBytes == 8192 && read.errorCalls == 1)
        #expect(read.cacheMissBytes == 2 * 16384, "readahead can miss more than the call returned")
        #expect(read.firstReadSeconds == 0.149998, "the first call started 2.5 us before it ended at 0.15 s")
        #expect(read.lastReadSeconds == 1.27, "the failed call's end still counts as the last read")
        #expect(read.loadSeconds == 1.100003, "all 8192 bytes were read by the call ending at 1.25 s")
        #expect(read.spanSeconds == 1.120003, "1.27 s - 0.1499975 s")
        #expect(read.throughputMiBPerSecond == 0.007, "8 KiB over 1.12 s")
        #expect(read.deviceWaitFraction == 0 && read.inReadFraction == 0, "microseconds of calls in a second: below 0.0001")
        #expect(dump.reads.first { $0.fileID == 3 }?.loadSeconds == 0, "one call read all of notes.txt")
        #expect(dump.loadedShare == 1)
        #expect(read.latencyMicroseconds?.max == 2.5 && read.latencyMicroseconds?.total == 7.5)
        #expect(read.timeline.bucketSeconds == 0.1)
        #expect(read.timeline.readBytes.count == 25)
        #expect(read.timeline.readBytes[1] == 4096 && read.timeline.readBytes[12] == 4096)
        #expect(dump.reads.map(\.readBytes) == [8192, 10, 3], "largest first")
        #expect(dump.files.map(\.fileID) == [1, 2, 3])
        #expect(dump.processes.map(\.pid) == [42, 77])
        #expect(dump.processes[0].cmdline == "trtserver --models /models" && dump.processes[0].cgroup == "/pods/a")
        #expect(dump.processes[1].comm == "?" && dump.processes[1].cmdline == nil)
        #expect(dump.startedAt == "2025-11-24T22:44:09.123Z")
        #expect(dump.lostEvents == 1 && dump.eventsEmitted == 9)
    }

    @Test("with the light hook reads are untimed: latency and the time fractions are null, misses come as fills")
    func lightHook() throws {
        var aggregate = TraceAggregate(startNanoseconds: Self.start) { TracedProcess(record: $0, cmdline: nil, cgroupPath: nil) }
        aggregate.record(
            .file(FileRecord(id: Self.engine, path: Array("/models/a.engine".utf8), sizeBytes: 8192, kind: .regular, deleted: false)))
        aggregate.record(
            .faultFill(FaultFillRecord(pid: 42, file: Self.engine, bytes: 8192, endNanoseconds: Self.start + 90, cause: .read)))
        aggregate.record(
            .read(
                ReadRecord(
                    pid: 42, threadID: 42, file: Self.engine, endNanoseconds: Self.start + 100,
                    latencyNanoseconds: nil, result: 8192)))
        let dump = DumpDocument(aggregate: aggregate, metadata: Self.metadata(hook: .light), pathFilter: PathFilter([]))
        let read = try #require(dump.reads.first)
        #expect(read.readBytes == 8192 && read.readCalls == 1 && read.loadSeconds != nil)
        #expect(read.cacheMissBytes == 8192 && read.mmapFaultBytes == 0, "a read's fill is a miss, not a fault")
        #expect(read.latencyMicroseconds == nil && read.inReadFraction == nil && read.deviceWaitFraction == nil)
        #expect(dump.hook == .light && dump.hookAccuracy.contains("no per-call latency"))
        let json = try #require(String(data: JSONEncoder().encode(dump), encoding: .utf8))
        #expect(json.contains("\"latency_us\":null") && json.contains("\"device_wait_fraction\":null"))
    }

    @Test("devices carry per-interval samples and run totals; files name their device and disk")
    func devices() throws {
        var history = DeviceHistory(startNanoseconds: Self.start)
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n8 1 sda1 0 0 0 0 0 0 0 0 0 0 0", at: Self.start))
        history.record(
            DiskStatsSnapshot(
                parsing: "7 0 loop0 100 0 204800 50 0 0 0 0 0 500 900\n8 1 sda1 0 0 0 0 0 0 0 0 0 0 0",
                at: Self.start + 1_000_000_000))
        let dump = DumpDocument(
            aggregate: Self.aggregate(), metadata: Self.metadata(), pathFilter: PathFilter([]),
            deviceHistory: history, topology: BlockDeviceTopology(diskOfPartition: ["sda1": "sda"]))
        #expect(dump.devices.map(\.name) == ["loop0"], "sda1 did no IO and holds no traced file")
        let sample = try #require(dump.devices.first?.samples.first)
        #expect(sample.seconds == 1 && sample.readIOPS == 100 && sample.readMiBPerSecond == 100)
        #expect(sample.readAwaitMilliseconds == 0.5 && sample.queueDepth == 0.9 && sample.utilizationPercent == 50)
        #expect(dump.devices.first?.totals.readBytes == 204800 * 512)
        #expect(dump.files.first { $0.inode == 12 }?.deviceName == "loop0")
        #expect(dump.files.first { $0.inode == 12 }?.diskName == "loop0")
        #expect(dump.files.first { $0.inode == 14 }?.deviceName == nil, "254:0 is not in this diskstats")
        let text = String(decoding: try dump.encoded(), as: UTF8.self)
        #expect(text.contains(#""device_name":null"#))
    }

    @Test("reads carry block IO and mmap faults; a disk's block reads include its partitions'; overlay files name their lower file")
    func blockReads() throws {
        var aggregate = Self.aggregate()
        let sda1 = DeviceNumber(major: 8, minor: 1)
        let lower = FileID(device: sda1, inode: 99)
        aggregate.record(
            .block(
                BlockRecord(
                    pid: 42, device: sda1, file: Self.engine, lowerFile: lower, bytes: 1 << 20,
                    endNanoseconds: Self.start + 150_000_000, queuedNanoseconds: 2_000_000,
                    serviceNanoseconds: 1_500_000)))
        aggregate.record(.faultFill(FaultFillRecord(pid: 42, file: Self.engine, bytes: 4096, endNanoseconds: Self.start + 1)))
        var history = DeviceHistory(startNanoseconds: Self.start)
        let lines = "8 0 sda 0 0 0 0 0 0 0 0 0 0 0\n8 1 sda1 0 0 0 0 0 0 0 0 0 0 0"
        history.record(DiskStatsSnapshot(parsing: lines, at: Self.start))
        history.record(
            DiskStatsSnapshot(
                parsing: "8 0 sda 3 0 2056 1 0 0 0 0 0 1 1\n8 1 sda1 2 0 2048 1 0 0 0 0 0 1 1",
                at: Self.start + 1_000_000_000))
        let deviceReads = [
            sda1: DeviceReadCounters(readBytes: 2048 * 512, readIOs: 2, attributedBytes: 1 << 20),
            DeviceNumber(major: 8, minor: 0): DeviceReadCounters(readBytes: 4096, readIOs: 1, unattributedBytes: 4096),
        ]
        let dump = DumpDocument(
            aggregate: aggregate, metadata: Self.metadata(), pathFilter: PathFilter([]), deviceHistory: history,
            topology: BlockDeviceTopology(diskOfPartition: ["sda1": "sda"]), deviceReads: deviceReads)

        let read = try #require(dump.reads.first { $0.fileID == 1 })
        #expect(read.blockReadBytes == 1 << 20 && read.blockReadIOs == 1 && read.mmapFaultBytes == 4096)
        #expect(read.blockLatencyMicroseconds.max == 2000 && read.blockServiceMicroseconds.max == 1500)
        #expect(read.timeline.blockReadBytes.count == read.timeline.readBytes.count, "both series share the buckets")
        #expect(read.timeline.blockReadBytes[1] == 1 << 20)
        let file = try #require(dump.files.first { $0.fileID == 1 })
        #expect(file.lowerDev == "8:1" && file.lowerInode == 99)
        let disk = try #require(dump.devices.first { $0.name == "sda" })
        #expect(disk.blockReadBytes == 2048 * 512 + 4096 && disk.blockReadIOs == 3, "the disk counts its partition's requests")
        #expect(disk.attributedBlockReadBytes == 1 << 20 && disk.unattributedBlockReadBytes == 4096)
        #expect(disk.blockReadBytes == disk.totals.readBytes, "as diskstats counts them")
        let partition = try #require(dump.devices.first { $0.name == "sda1" })
        #expect(partition.blockReadBytes == 2048 * 512 && partition.unattributedBlockReadBytes == 0)
    }

    @Test("unknown command lines are written as null, not left out")
    func nullsAreWritten() throws {
        let dump = DumpDocument(aggregate: Self.aggregate(), metadata: Self.metadata(), pathFilter: PathFilter([]))
        let text = String(decoding: try dump.encoded(), as: UTF8.self)
        #expect(text.contains(#""cmdline":null"#))
        #expect(text.contains(#""path":"/models/a.engine""#), "slashes are not escaped")
    }

    @Test("a path that is not UTF-8 keeps its exact bytes in path_base64")
    func nonUTF8Paths() throws {
        let dump = DumpDocument(aggregate: Self.aggregate(), metadata: Self.metadata(), pathFilter: PathFilter([]))
        let odd = try #require(dump.files.first { $0.inode == 13 })
        #expect(odd.path == "/models/caf\u{FFFD}.bin")
        #expect(Data(base64Encoded: try #require(odd.pathBase64)).map(Array.init) == Self.oddBytes)
        #expect(odd.deleted)
        #expect(dump.files.first { $0.inode == 12 }?.pathBase64 == nil)
    }

    @Test("--path keeps only matching files, their reads and their readers; ids stay stable")
    func pathFilter() {
        let dump = DumpDocument(aggregate: Self.aggregate(), metadata: Self.metadata(paths: ["*.txt"]), pathFilter: PathFilter(["*.txt"]))
        #expect(dump.files.map(\.fileID) == [3])
        #expect(dump.reads.map(\.pid) == [77])
        #expect(dump.processes.map(\.pid) == [77])
        #expect(dump.filters.path == ["*.txt"])
    }

    @Test("the streamed dump is the encoded document, byte for byte", arguments: [[], ["*.txt"]])
    func streamed(paths: [String]) throws {
        var history = DeviceHistory(startNanoseconds: Self.start)
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0", at: Self.start))
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 10 0 80 5 0 0 0 0 0 5 5", at: Self.start + 500_000_000))
        let contents = DumpContents(
            aggregate: Self.aggregate(), metadata: Self.metadata(paths: paths),
            pathFilter: PathFilter(paths), deviceHistory: history)
        var streamed: [UInt8] = []
        var pieces = 0
        try contents.write { piece in
            streamed += piece
            pieces += 1
        }
        #expect(streamed == (try DumpDocument(contents).encoded()))
        #expect(pieces > 2, "one piece per read and file")
    }

    @Test("a dump reads back to the same document")
    func roundTrip() throws {
        let dump = DumpDocument(aggregate: Self.aggregate(), metadata: Self.metadata(), pathFilter: PathFilter([]))
        #expect(try DumpDocument.decode(try dump.encoded()) == dump)
    }

    @Test(
        "corrupt dumps and other schema versions are refused with one line",
        arguments: [
            "", "{", "[1,2]", #"{"schema_version": 2}"#, #"{"schema_version": 1}"#,
        ])
    func corruptDumps(text: String) {
        #expect {
            _ = try DumpDocument.decode(Array(text.utf8))
        } throws: { error in
            let message = "\(error)"
            return !message.isEmpty && !message.contains("\n")
        }
    }

    @Test("the encoded dump matches the JSON Schema")
    func matchesSchema() throws {
        var history = DeviceHistory(startNanoseconds: Self.start)
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0", at: Self.start))
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 10 0 80 5 0 0 0 0 0 5 5", at: Self.start + 500_000_000))
        let dump = DumpDocument(aggregate: Self.aggregate(), metadata: Self.metadata(), pathFilter: PathFilter([]), deviceHistory: history)
        #expect(!dump.devices.isEmpty && dump.files.contains { $0.deviceName != nil }, "the schema sees every kind of field")
        #expect(try Self.schemaStatus(of: dump) == 0)
    }

    /// scripts/validate-dump's exit status for `dump`: 0 when the JSON Schema accepts it.
    static func schemaStatus(of dump: DumpDocument) throws -> Int32 {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dumpURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "readtrace-dump-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json")
        defer { try? FileManager.default.removeItem(at: dumpURL) }
        try AtomicFile.write(try dump.encoded(), to: dumpURL.path)
        let validator = Process()
        validator.executableURL = repository.appendingPathComponent("scripts/validate-dump")
        validator.arguments = [repository.appendingPathComponent("schema/readtrace-dump-v1.schema.json").path, dumpURL.path]
        try validator.run()
        validator.waitUntilExit()
        return validator.terminationStatus
    }
}

@Suite("Writing files atomically")
struct AtomicFileTests {
    @Test("the content lands whole and no temporary file is left")
    func writes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readtrace-atomic-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("out.json").path
        try AtomicFile.write(Array("old".utf8), to: target)
        try AtomicFile.write(Array("new content".utf8), to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new content")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.json"])
    }

    @Test("while the content is written it has no name in the directory, so a kill leaves nothing behind")
    func unnamedWhileWriting() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readtrace-unnamed-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("out.json").path
        var seenWhileWriting: [String] = ["not looked at"]
        try AtomicFile.write(to: target) { emit in
            try emit(Array(repeating: UInt8(ascii: "y"), count: 2 << 20))  // flushed to the file
            seenWhileWriting = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        }
        #expect(seenWhileWriting == [], "the file being written is unnamed (O_TMPFILE) until it is complete")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.json"])
        #expect(FileManager.default.contents(atPath: target)?.count == 2 << 20)
    }

    @Test("content handed over in pieces lands whole; a failure leaves the old file and no temporary")
    func writesPieces() throws {
        struct Interrupted: Error {}
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readtrace-pieces-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("out.json").path
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 300_000)
        try AtomicFile.write(to: target) { emit in
            for _ in 0..<5 { try emit(piece) }  // past the 1 MiB flush
        }
        #expect(FileManager.default.contents(atPath: target).map(Array.init) == Array(repeating: UInt8(ascii: "x"), count: 1_500_000))
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: target) { emit in
                for _ in 0..<5 { try emit([1]) }
                throw Interrupted()
            }
        }
        #expect(FileManager.default.contents(atPath: target)?.count == 1_500_000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.json"])
    }

    @Test("a missing directory is named in the error")
    func missingDirectory() {
        #expect {
            try AtomicFile.checkWritable(path: "/nonexistent-readtrace-dir/out.json")
        } throws: { "\($0)" == "cannot write /nonexistent-readtrace-dir/out.json: directory /nonexistent-readtrace-dir does not exist" }
    }

    @Test("a directory that refuses new files is reported, even to root")
    func unwritableDirectory() {
        // /proc accepts no new files whoever asks.
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.checkWritable(path: "/proc/readtrace-out.json") }
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write([1], to: "/proc/readtrace-out.json") }
    }

    @Test("a directory as the target is refused")
    func directoryTarget() {
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.checkWritable(path: "/tmp") }
    }
}
