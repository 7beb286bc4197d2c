import Foundation
import Testing

/// Files on filesystems without a block device of their own (tmpfs, overlayfs over tmpfs,
/// erofs and squashfs images, FUSE), the FUSE daemon behind a client's reads, and how much of
/// a file the page cache held when its first read began: with the real BPF programs, real
/// mounts and real FUSE daemons from Debian (bindfs, squashfuse).
@Suite(
    "Filesystems, FUSE daemons and the page cache at a load's start, with the real BPF programs", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct FilesystemTests {
    static let size = 8 << 20

    /// Runs `command` (a shell line) and fails the test when it fails.
    static func shell(_ command: String) throws {
        let finished = try RunningProcess("/bin/sh", ["-c", command]).finish(timeout: 120)
        try #require(finished.status == 0, "\(command): \(finished.standardError)")
    }

    /// `dd` reads `path` (1 MiB reads) under readtrace with `--comm dd`; the dump, and dd's entry for the file.
    static func ddTraced(_ path: String, in scratch: ScratchDirectory) throws -> (Dump, [String: Any]) {
        let (dump, _) = try CopyReadTests.traceCommand(
            ["/bin/dd", "if=\(path)", "of=/dev/null", "bs=1M", "status=none"], in: scratch, options: ["--comm", "dd"])
        let pid = try #require(dump.readers(of: path).first, "no reads entry for \(path)")
        return (dump, try #require(dump.read(pid: Int32(pid), path: path)))
    }

    /// A mount made for one test, undone (with its loop device and daemon) when it ends.
    final class Mount {
        let point: String
        private var cleanup: [String] = []
        private var daemon: RunningProcess?

        /// Mounts a filesystem of `kind` at `scratch`/`kind` holding one file `name` of `size` random bytes.
        init(_ kind: String, file name: String, size: Int, in scratch: ScratchDirectory) throws {
            point = scratch.path + "/\(kind)"
            let image = scratch.path + "/\(kind).img"
            let below = scratch.path + "/\(kind)-below"  // the image's content, or the tmpfs under the overlay
            for directory in [point, below] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            func write(into directory: String) -> String { "head -c \(size) /dev/urandom > \(directory)/\(name)" }
            switch kind {
            case "tmpfs":
                try FilesystemTests.shell("mount -t tmpfs readtrace-fs-facts \(point) && \(write(into: point))")
                cleanup = ["umount \(point)"]
            case "overlay":
                try FilesystemTests.shell(
                    "mount -t tmpfs readtrace-fs-facts \(below) && mkdir \(below)/lower \(below)/upper \(below)/work && "
                        + write(into: below + "/lower")
                        + " && mount -t overlay readtrace-fs-facts -o lowerdir=\(below)/lower,upperdir=\(below)/upper,workdir=\(below)/work \(point)"
                )
                cleanup = ["umount \(point)", "umount \(below)"]
            case "erofs", "squashfs":
                let make = kind == "erofs" ? "mkfs.erofs --quiet \(image) \(below)" : "mksquashfs \(below) \(image) -quiet -noappend"
                try FilesystemTests.shell("\(write(into: below)) && \(make) >/dev/null")
                let loop = try RunningProcess("/sbin/losetup", ["--find", "--show", "--read-only", image]).finish()
                try #require(loop.status == 0, "losetup: \(loop.standardError)")
                let device = loop.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                cleanup = ["losetup --detach \(device)"]
                try FilesystemTests.shell("mount -t \(kind) -o ro \(device) \(point)")
                cleanup.insert("umount \(point)", at: 0)
            case "squashfuse":
                try FilesystemTests.shell("\(write(into: below)) && mksquashfs \(below) \(image) -quiet -noappend >/dev/null")
                // In the foreground: a daemon that forks away from the shell leaves the test runner
                // waiting on the shell.
                let daemon = try RunningProcess("/usr/bin/squashfuse", ["-f", image, point])
                self.daemon = daemon
                cleanup = ["umount \(point)"]
                try #require(daemon.wait { FileManager.default.fileExists(atPath: "\(point)/\(name)") }, "squashfuse did not mount")
            default:
                preconditionFailure("no such mount kind \(kind)")
            }
        }

        deinit {
            for command in cleanup { _ = try? RunningProcess("/bin/sh", ["-c", command]).finish() }
            _ = daemon?.finish(timeout: 10)
        }
    }

    @Test(
        "a read of a file on each filesystem without a block device is counted exactly, timed, with the kernel's filesystem type",
        arguments: [
            ("tmpfs", "tmpfs"), ("overlay", "overlay"), ("erofs", "erofs"), ("squashfs", "squashfs"),
            ("squashfuse", "fuse.squashfuse"),
        ])
    func filesystemWithoutBlockDevice(kind: String, fsType: String) throws {
        let scratch = try ScratchDirectory()
        let mount = try Mount(kind, file: "model.bin", size: Self.size, in: scratch)
        let path = mount.point + "/model.bin"
        let (dump, entry) = try Self.ddTraced(path, in: scratch)
        #expect(entry.int("read_bytes") == Self.size, "\(kind): \(entry)")
        #expect(entry.int("error_calls") == 0)
        let latency = try #require(entry["latency_us"] as? [String: Any], "\(kind): reads are timed")
        #expect((latency["total"] as? Double ?? 0) > 0, "\(kind): \(latency)")
        #expect(dump.file(path: path)?["fs_type"] as? String == fsType, "\(kind): \(dump.file(path: path) ?? [:])")
        #expect(dump.root["lost_events"] as? Int == 0)
    }

    @Test(
        "a client reading through bindfs waits on FUSE; the daemon's cold reads of the file behind it are its IO, whatever the filters",
        .enabled(if: KernelFeatureReport.shouldRun("fuseRequestEnd"), KernelFeatureReport.skipComment("fuseRequestEnd")))
    func fuseDaemonBehindClient() throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 64, in: scratch)
        let source = filesystem.mountPoint + "/models"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        let backing = try filesystem.file("models/model.bin", size: Self.size)
        let point = scratch.path + "/bindfs"
        try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        let daemon = try RunningProcess("/usr/bin/bindfs", ["-f", source, point])
        defer {
            _ = try? RunningProcess("/bin/umount", [point]).finish()
            _ = daemon.finish(timeout: 10)
        }
        let mounted = daemon.wait { FileManager.default.fileExists(atPath: point + "/model.bin") }
        try #require(mounted, "bindfs did not mount: \(daemon.standardError)")
        let client = point + "/model.bin"
        try CopyReadTests.dropPages(backing)
        try CopyReadTests.dropPages(client)

        let (dump, entry) = try Self.ddTraced(client, in: scratch)
        let clientFile = try #require(dump.file(path: client))
        #expect(clientFile["fs_type"] as? String == "fuse")
        #expect(entry.int("read_bytes") == Self.size, "client: \(entry)")
        #expect(((entry["latency_us"] as? [String: Any])?["total"] as? Double ?? 0) > 0, "the client's reads are timed")
        // The daemon is no dd: only its serving the client's filesystem brings it in.
        let daemonProcess = try #require(dump.processes.first { $0["pid"] as? Int == Int(daemon.pid) }, "the daemon is in the dump")
        #expect(daemonProcess["fuse_serves"] as? [String] == [try #require(clientFile["dev"] as? String)])
        let daemonEntry = try #require(dump.read(pid: daemon.pid, path: backing), "the daemon's reads of \(backing)")
        #expect(daemonEntry.int("read_bytes") == Self.size, "daemon: \(daemonEntry)")
        #expect(dump.file(path: backing)?["cached_at_start_bytes"] as? Int == 0, "the file behind was cold")
        let block = try #require(daemonEntry.int("block_read_bytes"))
        #expect(abs(block - Self.size) <= Self.size / 50, "the daemon's disk reads are the file: \(block)")
        #expect(dump.readers(of: backing) == [Int(daemon.pid)], "only the daemon reads the file behind")
    }

    @Test(
        "how much of a file the page cache held when its first read began: cold, warm and half",
        arguments: [("cold", 0), ("warm", size), ("half", size / 2)])
    func cachedAtStart(state: String, cached: Int) throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 64, in: scratch)
        let path = try filesystem.file("model.bin", size: Self.size)
        try CopyReadTests.dropPages(path)
        if state != "cold" { try CopyReadTests.warmUp(path) }
        if state == "half" {
            let script =
                "import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, \(Self.size / 2), 0, os.POSIX_FADV_DONTNEED)"
            try #require(try RunningProcess("/usr/bin/python3", ["-c", script, path]).finish().status == 0)
        }
        let (dump, entry) = try Self.ddTraced(path, in: scratch)
        #expect(dump.file(path: path)?["cached_at_start_bytes"] as? Int == cached, "\(state): \(dump.file(path: path) ?? [:])")
        #expect(entry.int("read_bytes") == Self.size)
        // What the read then had to bring in is the rest.
        #expect(entry.int("cache_miss_bytes") == Self.size - cached, "\(state): \(entry)")
    }
}
