import Testing

@testable import ReadTraceCore

@Suite("Aggregating kernel events")
struct AggregationTests {
    static let file = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 12)
    static let start: UInt64 = 1_000_000_000

    static func read(pid: Int32 = 10, file: FileID = file, endingAt end: UInt64, latency: UInt64 = 1_000, result: Int64) -> KernelEvent {
        .read(ReadRecord(pid: pid, threadID: pid, file: file, endNanoseconds: end, latencyNanoseconds: latency, result: result))
    }

    @Test("bytes, calls and errors are kept apart per process and file")
    func perProcessAndFile() {
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        let other = FileID(device: DeviceNumber(major: 254, minor: 0), inode: 99)
        aggregate.record(.process(ProcessRecord(pid: 10, parentPid: 1, cgroupID: 5, comm: "trtserver")))
        aggregate.record(.file(FileRecord(id: Self.file, path: Array("/m/a.engine".utf8), sizeBytes: 8192, kind: .regular, deleted: false)))
        aggregate.record(Self.read(endingAt: Self.start + 10, result: 4096))
        aggregate.record(Self.read(endingAt: Self.start + 20, result: 4096))
        aggregate.record(Self.read(endingAt: Self.start + 30, result: 0))
        aggregate.record(Self.read(endingAt: Self.start + 40, result: -9))
        aggregate.record(Self.read(pid: 11, endingAt: Self.start + 50, result: 100))
        aggregate.record(Self.read(file: other, endingAt: Self.start + 60, result: 7))

        let stats = aggregate.reads[ReadKey(pid: 10, file: Self.file)]
        #expect(stats?.calls == 3)
        #expect(stats?.bytes == 8192)
        #expect(stats?.errors == 1)
        #expect(stats?.latency.count == 3, "failed calls have no latency sample")
        #expect(aggregate.reads[ReadKey(pid: 11, file: Self.file)]?.bytes == 100)
        #expect(aggregate.reads[ReadKey(pid: 10, file: other)]?.bytes == 7)
        #expect(Array(aggregate.fileOrder) == [Self.file, other], "files are numbered in the order first seen")
        #expect(aggregate.processes[10]?.record.comm == "trtserver")
        #expect(aggregate.processes[11]?.record.comm == "?", "a process whose description was lost is still listed")
        #expect(aggregate.eventsReceived == 8)
    }

    @Test("first and last read times span from the first call's start to the last call's end")
    func span() {
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        aggregate.record(Self.read(endingAt: Self.start + 5_000, latency: 2_000, result: 1))
        aggregate.record(Self.read(endingAt: Self.start + 9_000, latency: 500, result: 1))
        let stats = aggregate.reads[ReadKey(pid: 10, file: Self.file)]
        #expect(stats?.firstStartNanoseconds == Self.start + 3_000)
        #expect(stats?.lastEndNanoseconds == Self.start + 9_000)
    }

    @Test("the interval holds only what arrived since it was last taken")
    func intervals() {
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        aggregate.record(Self.read(endingAt: Self.start + 1, result: 10))
        let first = aggregate.takeInterval()
        aggregate.record(Self.read(endingAt: Self.start + 2, result: 5))
        aggregate.record(Self.read(endingAt: Self.start + 3, result: -4))
        let second = aggregate.takeInterval()
        #expect(first[ReadKey(pid: 10, file: Self.file)]?.bytes == 10)
        #expect(second[ReadKey(pid: 10, file: Self.file)]?.bytes == 5)
        #expect(second[ReadKey(pid: 10, file: Self.file)]?.calls == 1)
        #expect(aggregate.takeInterval().isEmpty)
        #expect(aggregate.reads[ReadKey(pid: 10, file: Self.file)]?.bytes == 15)
    }

    @Test("block completions count bytes per entry, requests and latency only when a request finishes")
    func blockCompletions() {
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        let loop0 = DeviceNumber(major: 7, minor: 0)
        aggregate.record(
            .block(
                BlockRecord(
                    pid: 10, device: loop0, file: Self.file, bytes: 65536, completesRequest: false,
                    endNanoseconds: Self.start + 100, queuedNanoseconds: 50_000)))
        aggregate.record(
            .block(
                BlockRecord(
                    pid: 10, device: loop0, file: Self.file, bytes: 65536,
                    endNanoseconds: Self.start + 200, queuedNanoseconds: 90_000, serviceNanoseconds: 70_000)))
        aggregate.record(.faultFill(FaultFillRecord(pid: 10, file: Self.file, bytes: 8192, endNanoseconds: Self.start + 300)))
        let stats = aggregate.reads[ReadKey(pid: 10, file: Self.file)]
        #expect(stats?.calls == 0, "a mapped file has an entry without read calls")
        #expect(stats?.blockReadBytes == 131_072 && stats?.blockReadIOs == 1)
        #expect(stats?.blockLatency.count == 1 && stats?.blockLatency.maxNanoseconds == 90_000)
        #expect(stats?.blockServiceLatency.maxNanoseconds == 70_000)
        #expect(stats?.mmapFaultBytes == 8192)
        let interval = aggregate.takeInterval()[ReadKey(pid: 10, file: Self.file)]
        #expect(interval?.blockBytes == 131_072 && interval?.cacheMissBytes == 8192)
        #expect(aggregate.files[Self.file] != nil && aggregate.processes[10] != nil, "unnamed until the kernel names them")
    }

    @Test("pages mapped from a cached file are a load, not misses")
    func mappedPages() {
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        aggregate.record(
            .file(FileRecord(id: Self.file, path: Array("/m/weights.safetensors".utf8), sizeBytes: 16384, kind: .regular, deleted: false)))
        for step in UInt64(1)...2 {
            aggregate.record(
                .faultFill(FaultFillRecord(pid: 10, file: Self.file, bytes: 8192, endNanoseconds: Self.start + step * 100, cause: .mapped)))
        }
        let stats = aggregate.reads[ReadKey(pid: 10, file: Self.file)]
        #expect(stats?.mappedBytes == 16384 && stats?.mmapFaultBytes == 0 && stats?.cacheMissBytes == 0)
        #expect(stats?.loadedNanoseconds == Self.start + 200, "loaded once every page was mapped")
        #expect((aggregate.takeInterval()[ReadKey(pid: 10, file: Self.file)]?.cacheMissBytes ?? 0) == 0)
    }

    @Test("pages a prefetch call brought in are prefetch bytes: not read, not a load, not misses")
    func prefetchedPages() {
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        aggregate.record(
            .file(FileRecord(id: Self.file, path: Array("/m/model.engine".utf8), sizeBytes: 16384, kind: .regular, deleted: false)))
        aggregate.record(
            .faultFill(FaultFillRecord(pid: 10, file: Self.file, bytes: 16384, endNanoseconds: Self.start + 100, cause: .prefetch)))
        let stats = aggregate.reads[ReadKey(pid: 10, file: Self.file)]
        #expect(stats?.prefetchBytes == 16384)
        #expect(stats?.bytes == 0 && stats?.calls == 0 && stats?.cacheMissBytes == 0 && stats?.mappedLoadBytes == 0)
        #expect(stats?.loadedNanoseconds == nil, "prefetching a file is not loading it")
        #expect((aggregate.takeInterval()[ReadKey(pid: 10, file: Self.file)]?.cacheMissBytes ?? 0) == 0)
    }

    @Test("a block read of an overlay file records the lower file below it")
    func lowerFiles() {
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        let overlayFile = FileID(device: DeviceNumber(major: 0, minor: 40), inode: 5)
        aggregate.record(
            .block(
                BlockRecord(
                    pid: 10, device: DeviceNumber(major: 7, minor: 0), file: overlayFile, lowerFile: Self.file,
                    bytes: 4096, endNanoseconds: Self.start, queuedNanoseconds: 1)))
        #expect(aggregate.lowerFiles[overlayFile] == Self.file)
        #expect(aggregate.reads[ReadKey(pid: 10, file: overlayFile)]?.blockReadBytes == 4096)
        #expect(aggregate.reads[ReadKey(pid: 10, file: Self.file)] == nil, "the bytes stay on the file the process read")
    }

    @Test("files the kernel named from their filesystem's root get their mount point")
    func filesystemRelativePaths() {
        let mounts = MountTable(mountinfo: "30 1 7:0 / /mnt/models rw - ext4 /dev/loop0 rw\n")
        var aggregate = TraceAggregate(startNanoseconds: Self.start, locate: mounts.locate)
        aggregate.record(
            .file(
                FileRecord(
                    id: Self.file, path: Array("/a.engine".utf8), sizeBytes: 1, kind: .regular, deleted: false,
                    pathIsFilesystemRelative: true)))
        #expect(aggregate.files[Self.file]?.displayPath == "/mnt/models/a.engine")
    }

    @Test("a load is done once the loaded share of the file's size is read; device wait counts calls that missed the cache")
    func loads() {
        var aggregate = TraceAggregate(startNanoseconds: Self.start, loadedShare: 0.5)
        aggregate.record(.file(FileRecord(id: Self.file, path: Array("/m/a.engine".utf8), sizeBytes: 1000, kind: .regular, deleted: false)))
        aggregate.record(
            .read(
                ReadRecord(
                    pid: 10, threadID: 10, file: Self.file, endNanoseconds: Self.start + 100, latencyNanoseconds: 40,
                    result: 499, cacheMissBytes: 4096)))
        #expect(aggregate.reads[ReadKey(pid: 10, file: Self.file)]?.loadedNanoseconds == nil)
        aggregate.record(Self.read(endingAt: Self.start + 200, latency: 10, result: 1))
        aggregate.record(Self.read(endingAt: Self.start + 300, latency: 10, result: 500))
        let stats = aggregate.reads[ReadKey(pid: 10, file: Self.file)]
        #expect(stats?.loadedNanoseconds == Self.start + 200, "500 of 1000 bytes")
        #expect(stats?.deviceWaitNanoseconds == 40)
    }

    @Test("a process described again after exec takes its new name")
    func execRenames() {
        var aggregate = TraceAggregate(startNanoseconds: Self.start)
        aggregate.record(.process(ProcessRecord(pid: 10, parentPid: 1, cgroupID: 1, comm: "bash")))
        aggregate.record(.process(ProcessRecord(pid: 10, parentPid: 1, cgroupID: 1, comm: "trtserver")))
        #expect(aggregate.processes[10]?.record.comm == "trtserver")
    }
}

@Suite("Identifying files")
struct FileIdentityTests {
    @Test("device numbers split like the kernel's dev_t")
    func deviceNumbers() {
        let device = DeviceNumber(rawValue: 7 << 20 | 3)
        #expect(device.major == 7 && device.minor == 3)
        #expect(device.description == "7:3")
        #expect(DeviceNumber(major: 259, minor: 1).rawValue == 259 << 20 | 1)
    }

    @Test("leaf-first components join into a full path")
    func pathJoining() {
        let components = ["a.engine", "resnet", "models"].map { Array($0.utf8) }
        #expect(FileRecord.path(fromLeafFirstComponents: components, complete: true) == Array("/models/resnet/a.engine".utf8))
        #expect(FileRecord.path(fromLeafFirstComponents: components, complete: false) == Array("…/models/resnet/a.engine".utf8))
        #expect(FileRecord.path(fromLeafFirstComponents: [], complete: true) == Array("/".utf8))
    }

    @Test("--path globs match full paths, with * crossing directories")
    func pathGlobs() {
        let filter = PathFilter(["*.engine", "/data/*.safetensors"])
        #expect(filter.matches(Array("/models/deep/dir/a.engine".utf8)))
        #expect(filter.matches(Array("/data/x/model.safetensors".utf8)))
        #expect(!filter.matches(Array("/models/a.engine.bak".utf8)))
        #expect(PathFilter([]).matches(Array("/anything".utf8)))
        #expect(!filter.matches([0xFF, 0xFE]), "paths that are not UTF-8 are matched as bytes, not crashed on")
    }
}
