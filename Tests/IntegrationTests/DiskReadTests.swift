import Foundation
import Testing

/// What came from the device for each (process, file): page-cache misses, page faults on
/// mapped files and block requests, checked against files of known size on a private loop
/// device and against /proc/diskstats.
@Suite(
    "Disk reads per file: page cache and block IO", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct DiskReadTests {
    static let size = 64 << 20

    /// Within 2% of `expected`.
    static func isClose(_ value: Int?, to expected: Int) -> Bool {
        guard let value else { return false }
        return abs(value - expected) <= expected / 50
    }

    @Test(
        "a cold read of a 64 MiB file comes from the device; reading it again does not; the device totals reconcile with diskstats",
        arguments: [false, true])
    func coldThenWarm(partitioned: Bool) throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 256, in: scratch, partitioned: partitioned)
        let file = try filesystem.file("model.engine", size: Self.size)
        let trace = try Trace(["--comm", "rt-disk"], in: scratch)
        let cold = try runWorkload(["--file", file, "--chunk", "1048576", "--drop-cache", "--name", "rt-disk"])
        let warm = try runWorkload(["--file", file, "--chunk", "1048576", "--name", "rt-disk"])
        let dump = try trace.stop()

        let coldEntry = try #require(dump.read(pid: cold.pid, path: file))
        #expect(coldEntry.int("read_bytes") == Self.size)
        #expect(Self.isClose(coldEntry.int("cache_miss_bytes"), to: Self.size), "cache misses: \(coldEntry)")
        #expect(Self.isClose(coldEntry.int("block_read_bytes"), to: Self.size), "block reads: \(coldEntry)")
        let requests = try #require(coldEntry.int("block_read_ios"))
        #expect(requests >= Self.size / (4 << 20), "64 MiB takes more than \(requests) requests")
        for latency in ["block_latency_us", "block_service_us"] {
            let figures = try #require(coldEntry[latency] as? [String: Double])
            #expect((figures["p50"] ?? 0) > 0 && (figures["max"] ?? 0) >= (figures["p50"] ?? 0), "\(latency): \(figures)")
        }
        let timeline = try #require(coldEntry["timeline"] as? [String: Any])
        #expect((timeline["block_read_bytes"] as? [Int])?.reduce(0, +) == coldEntry.int("block_read_bytes"))

        let warmEntry = try #require(dump.read(pid: warm.pid, path: file))
        #expect((warmEntry.int("cache_miss_bytes") ?? .max) <= Self.size / 50, "the pages are cached now: \(warmEntry)")
        #expect((warmEntry.int("block_read_bytes") ?? .max) <= Self.size / 50, "the pages are cached now: \(warmEntry)")

        // Every byte the device read is accounted for, and diskstats counted the same bytes
        // (on the partition and again on its disk).
        let devices = dump.root["devices"] as? [[String: Any]] ?? []
        let names = Set([(filesystem.device as NSString).lastPathComponent, filesystem.loop.name])
        for name in names {
            let device = try #require(devices.first { $0["name"] as? String == name }, "no device \(name)")
            let blockBytes = try #require(device.int("block_read_bytes"))
            let parts = ["attributed_block_read_bytes", "filtered_block_read_bytes", "unattributed_block_read_bytes"]
            #expect(parts.compactMap { device.int($0) }.reduce(0, +) == blockBytes, "\(name): \(device)")
            let diskstats = try #require((device["totals"] as? [String: Any])?.int("read_bytes"))
            #expect(blockBytes == diskstats, "\(name): the kernel saw \(blockBytes) bytes, diskstats \(diskstats)")
            #expect(device.int("block_read_ios") == (device["totals"] as? [String: Any])?.int("read_ios"))
            let attributed = try #require(device.int("attributed_block_read_bytes"))
            #expect(
                attributed == (coldEntry.int("block_read_bytes") ?? 0) + (warmEntry.int("block_read_bytes") ?? 0),
                "\(name): attributed bytes are the reads entries' block bytes")
        }
    }

    @Test(
        "a process that maps a cold file and touches every page is charged its faults and block reads, with no read calls",
        .enabled(if: KernelFeatureReport.shouldRun("filemapFault"), KernelFeatureReport.skipComment("filemapFault")))
    func mappedFile() throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 256, in: scratch)
        let file = try filesystem.file("weights.safetensors", size: Self.size)
        let trace = try Trace(["--comm", "rt-mmap"], in: scratch)
        let mapper = try runWorkload(["--file", file, "--mmap", "--drop-cache", "--name", "rt-mmap"])
        let dump = try trace.stop()

        // Never read with read(2): named from its inode, the path completed from the mount table.
        let entry = try #require(dump.read(pid: mapper.pid, path: file), "no entry for \(file): \(dump.files)")
        #expect(entry.int("read_calls") == 0 && entry.int("read_bytes") == 0)
        #expect(Self.isClose(entry.int("mmap_fault_bytes"), to: Self.size), "fault bytes: \(entry)")
        #expect(Self.isClose(entry.int("block_read_bytes"), to: Self.size), "block reads: \(entry)")
    }

    @Test("two processes reading two cold files on one device at once are each charged their own misses and block reads")
    func concurrentReaders() throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 256, in: scratch)
        let first = try filesystem.file("first.engine", size: 32 << 20)
        let second = try filesystem.file("second.engine", size: 16 << 20)
        let trace = try Trace(["--comm", "rt-pair"], in: scratch)
        let readers = try [first, second].map {
            try RunningProcess(Paths.workload, ["--file", $0, "--chunk", "262144", "--drop-cache", "--name", "rt-pair"])
        }
        for reader in readers { #expect(reader.finish().status == 0) }
        let dump = try trace.stop()
        for (reader, (path, size)) in zip(readers, [(first, 32 << 20), (second, 16 << 20)]) {
            let entry = try #require(dump.read(pid: reader.pid, path: path))
            #expect(Self.isClose(entry.int("cache_miss_bytes"), to: size), "\(path): \(entry)")
            #expect(Self.isClose(entry.int("block_read_bytes"), to: size), "\(path): \(entry)")
            #expect(dump.readers(of: path) == [Int(reader.pid)])
            #expect(entry["load_s"] as? Double != nil, "every byte was read: \(entry)")
        }

        // The saved dump draws again offline: both loads on the timeline.
        let report = try RunningProcess(Paths.readtrace, ["report", trace.dumpPath, "--width", "120"]).finish()
        #expect(report.status == 0, "\(report.standardError)")
        #expect(report.standardOutput.contains("Load timeline:"))
        // (The readers may also fault in a page of a library after taking their name: those are loads too.)
        let rows = report.standardOutput.split(separator: "\n").filter { $0.hasPrefix("rt-pair ") }
        #expect(rows.filter { $0.contains("first.engine") || $0.contains("second.engine") }.count == 2, "\(report.standardOutput)")
    }

    @Test("an O_DIRECT read goes to the device without the page cache")
    func directRead() throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 256, in: scratch)
        let file = try filesystem.file("direct.engine", size: 32 << 20)
        let trace = try Trace(["--comm", "rt-direct"], in: scratch)
        let reader = try runWorkload(["--file", file, "--direct", "--chunk", "1048576", "--name", "rt-direct"])
        let dump = try trace.stop()

        let entry = try #require(dump.read(pid: reader.pid, path: file))
        #expect(entry.int("read_bytes") == 32 << 20)
        #expect(entry.int("cache_miss_bytes") == 0)
        #expect(Self.isClose(entry.int("block_read_bytes"), to: 32 << 20), "block reads: \(entry)")
    }

    @Test("a cold read through an overlay mount gets the lower file's misses and block reads, and names the lower file")
    func overlayRead() throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 256, in: scratch)
        try FileManager.default.createDirectory(atPath: filesystem.mountPoint + "/lower", withIntermediateDirectories: true)
        let lowerFile = try filesystem.file("lower/model.engine", size: 32 << 20)
        let overlay = try OverlayMount(lower: filesystem.mountPoint + "/lower", in: scratch)
        let file = overlay.mountPoint + "/model.engine"
        let trace = try Trace(["--comm", "rt-overlay"], in: scratch)
        let reader = try runWorkload(["--file", file, "--chunk", "1048576", "--drop-cache", "--name", "rt-overlay"])
        let dump = try trace.stop()

        let entry = try #require(dump.read(pid: reader.pid, path: file), "no entry for \(file): \(dump.files)")
        #expect(entry.int("read_bytes") == 32 << 20)
        #expect(Self.isClose(entry.int("cache_miss_bytes"), to: 32 << 20), "cache misses: \(entry)")
        #expect(Self.isClose(entry.int("block_read_bytes"), to: 32 << 20), "block reads: \(entry)")
        let named = try #require(dump.file(path: file))
        var lower = stat()
        try #require(stat(lowerFile, &lower) == 0)
        // glibc's dev_t: major in bits 8-19 and 32-43, minor in bits 0-7 and 12-31.
        let dev = UInt64(lower.st_dev)
        let major = (dev >> 8) & 0xfff | (dev >> 32) & ~0xfff
        let minor = dev & 0xff | (dev >> 12) & ~0xff
        #expect(named["lower_dev"] as? String == "\(major):\(minor)", "\(named)")
        #expect(named["lower_inode"] as? Int == Int(lower.st_ino), "\(named)")
        #expect(dump.readers(of: lowerFile).isEmpty, "the lower file's reads are on the overlay file's entry")
    }
}

/// An overlayfs mount with `lower` as its lower directory and its upper and work
/// directories in the scratch directory, the way container runtimes mount root filesystems.
final class OverlayMount {
    let mountPoint: String

    init(lower: String, in scratch: ScratchDirectory) throws {
        mountPoint = scratch.path + "/overlay"
        for directory in [mountPoint, scratch.path + "/upper", scratch.path + "/work"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let options = "lowerdir=\(lower),upperdir=\(scratch.path)/upper,workdir=\(scratch.path)/work"
        let mount = try RunningProcess("/bin/mount", ["-t", "overlay", "overlay", "-o", options, mountPoint]).finish()
        try #require(mount.status == 0, "mount overlay: \(mount.standardError)")
    }

    deinit {
        _ = try? RunningProcess("/bin/umount", [mountPoint]).finish()
    }
}
