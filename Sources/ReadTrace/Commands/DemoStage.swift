import Glibc
import ReadTraceCore
import ReadTraceKernel

/// What the demo makes, in the order it makes it, so it can be taken down in reverse: a
/// scratch directory, a loop device over an image in it, an ext4 mount, engine files,
/// pod-shaped cgroups with a start signal (a FIFO) per pod, and the bandwidth limit all
/// readers share (`DemoDiskLimit`).
final class DemoStage {
    struct Pod {
        var uid: String
        var containerID: String
        var cgroup: String
        var file: String
        var startSignal: String
    }

    /// Every pod loads its own copy of one model (its own, so that each load reaches the disk).
    static let model = "resnet50"
    /// `readtrace diff --key`: each pod's copy is the model.
    static let modelKey = "(\(model))-pod[0-9]+\\.engine$"

    private(set) var pods: [Pod] = []
    private var scratch: String?
    private(set) var loopDevice: String?
    private var mountPoint: String?
    private var cgroupDirectories: [String] = []
    /// The `cgroup.procs` of the blkio group every reader joins besides its pod, if any.
    private var sharedGroup: String?
    /// The start signal of the load that runs alone before the storm.
    private var soloStartSignal: String?
    /// The v2 hierarchy root's io controller, when the demo enabled it for its slice.
    private var enabledIOController: String?

    /// Builds the stage, its disk limited to `bytesPerSecond` by `limit`; `checkpoint` runs
    /// between steps and throws to abandon it.
    func build(
        pods count: Int, fileBytes: Int, cgroupRoot: String, limit: DemoDiskLimit, bytesPerSecond: Int,
        checkpoint: () throws -> Void
    ) throws {
        var template = Array("/var/tmp/readtrace-demo-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ReadTraceError("cannot make a scratch directory in /var/tmp: \(Errno.current)") }
        let scratch = String(cString: made)
        self.scratch = scratch

        let image = scratch + "/disk.img"
        let imageBytes = count * fileBytes + count * fileBytes / 8 + (64 << 20)
        let descriptor = open(image, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0, ftruncate(descriptor, off_t(imageBytes)) == 0 else {
            throw ReadTraceError("cannot make \(image): \(Errno.current)")
        }
        close(descriptor)
        try Self.shell("losetup --find --show --direct-io=on '\(image)' > '\(scratch)/loop-device'")
        loopDevice = ProcFS.readLine(scratch + "/loop-device")
        guard let loopDevice, loopDevice.hasPrefix("/dev/loop") else { throw ReadTraceError("losetup did not name a loop device") }
        try checkpoint()
        let mountPoint = scratch + "/models"
        try Self.shell("mkfs.ext4 -q -F '\(loopDevice)' && mkdir '\(mountPoint)' && mount '\(loopDevice)' '\(mountPoint)'")
        self.mountPoint = mountPoint

        let name = "readtrace-demo-\(Self.hex(4))"
        let slice = cgroupRoot + "/\(name).slice"
        for parent in [slice, slice + "/kubepods.slice", slice + "/kubepods.slice/kubepods-besteffort.slice"] {
            try makeCgroup(parent)
        }
        try self.limit(loopDevice, to: bytesPerSecond, by: limit, slice: slice, name: name)
        for index in 0..<count {
            try checkpoint()
            let uid = [Self.hex(4), Self.hex(2), "4" + Self.hex(2).dropFirst(), "8" + Self.hex(2).dropFirst(), Self.hex(6)].joined(
                separator: "-")
            let containerID = Self.hex(32)
            let pod =
                slice + "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + String(uid.map { $0 == "-" ? "_" : $0 }) + ".slice"
            try makeCgroup(pod)
            try makeCgroup(pod + "/cri-containerd-\(containerID).scope")
            let file = mountPoint + "/\(Self.model)-pod\(index).engine"
            try Self.writeEngine(file, bytes: fileBytes, seed: UInt8(index))
            let startSignal = scratch + "/start-\(index)"
            guard mkfifo(startSignal, 0o600) == 0 else { throw ReadTraceError("cannot make \(startSignal): \(Errno.current)") }
            pods.append(
                Pod(
                    uid: uid, containerID: containerID, cgroup: pod + "/cri-containerd-\(containerID).scope", file: file,
                    startSignal: startSignal))
        }
        soloStartSignal = scratch + "/start-solo"
        guard mkfifo(scratch + "/start-solo", 0o600) == 0 else {
            throw ReadTraceError("cannot make \(scratch)/start-solo: \(Errno.current)")
        }
        try checkpoint()
    }

    /// Makes `device` a bandwidth every reader shares: `io.max` on the slice above the pods, or
    /// one blkio group that every reader joins.
    private func limit(_ device: String, to bytesPerSecond: Int, by limit: DemoDiskLimit, slice: String, name: String) throws {
        var info = stat()
        guard stat(device, &info) == 0 else { throw ReadTraceError("cannot stat \(device): \(Errno.current)") }
        let number = DeviceNumber(userSpace: UInt64(info.st_rdev))
        switch limit {
        case .ioMax(let hierarchy):
            let root = hierarchy + "/cgroup.subtree_control"
            if ProcFS.readLine(root)?.split(separator: " ").contains("io") != true {
                try Self.writeControl(root, "+io")
                enabledIOController = root
            }
            try Self.writeControl(slice + "/io.max", "\(number) rbps=\(bytesPerSecond)")
        case .blkioThrottle(let hierarchy):
            let group = hierarchy + "/" + name
            try makeCgroup(group)
            try Self.writeControl(group + "/blkio.throttle.read_bps_device", "\(number) \(bytesPerSecond)")
            sharedGroup = group + "/cgroup.procs"
        case .unavailable:
            break
        }
    }

    private static func writeControl(_ path: String, _ value: String) throws {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        defer { if descriptor >= 0 { close(descriptor) } }
        guard descriptor >= 0, write(descriptor, value, value.utf8.count) == value.utf8.count else {
            throw ReadTraceError("cannot write '\(value)' to \(path): \(Errno.current)")
        }
    }

    /// The first pod's load alone (the storm's yardstick), a second's pause, then the storm:
    /// every reader starts in its pod's cgroup (and the shared blkio group), waits on its start
    /// signal, and all are signalled at once. Each drops its file's pages before reading.
    func readersScript(workload: String) -> String {
        func reader(_ pod: Pod, startSignal: String) -> String {
            let join = sharedGroup.map { " && echo $$ > '\($0)'" } ?? ""
            return "sh -c 'echo $$ > \"$1/cgroup.procs\"\(join) && exec \"$2\" --file \"$3\" --chunk 1048576 --drop-cache "
                + "--name trtserver --wait-stdin < \"$4\" > /dev/null' pod '\(pod.cgroup)' '\(workload)' '\(pod.file)' '\(startSignal)' &"
        }
        var lines = ["status=0"]
        if let first = pods.first, let soloStartSignal {
            lines += [reader(first, startSignal: soloStartSignal), "solo=$!", "sleep 1", "echo go > '\(soloStartSignal)'"]
            lines += ["wait $solo || status=1", "sleep 1"]
        }
        lines.append("readers=")
        for pod in pods {
            lines += [reader(pod, startSignal: pod.startSignal), "readers=\"$readers $!\""]
        }
        lines.append("sleep 1")
        lines.append(pods.map { "echo go > '\($0.startSignal)' &" }.joined(separator: " "))
        lines.append("for reader in $readers; do wait $reader || status=1; done; exit $status")
        return lines.joined(separator: "\n")
    }

    /// Removes everything built, in reverse; safe to call at any point and more than once.
    func tearDown() {
        for directory in cgroupDirectories.reversed() {
            // A reader left behind by an interruption goes first: a cgroup with processes cannot be removed.
            let kill = open(directory + "/cgroup.kill", O_WRONLY | O_CLOEXEC)
            if kill >= 0 {
                _ = write(kill, "1", 1)
                close(kill)
            }
            for _ in 0..<100 where rmdir(directory) != 0 && errno == EBUSY { usleep(10_000) }
        }
        cgroupDirectories = []
        sharedGroup = nil
        if let enabledIOController {
            // Best effort: the host may have started using the controller in the meantime.
            try? Self.writeControl(enabledIOController, "-io")
        }
        enabledIOController = nil
        if let mountPoint { _ = umount2(mountPoint, 0) }
        mountPoint = nil
        if let loopDevice { try? Self.shell("losetup --detach '\(loopDevice)'") }
        loopDevice = nil
        if let scratch { try? Self.shell("rm -rf '\(scratch)'") }
        scratch = nil
    }

    private func makeCgroup(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 else { throw ReadTraceError("cannot make cgroup \(path): \(Errno.current)") }
        cgroupDirectories.append(path)
    }

    /// An engine file of varied bytes, written and synced so the reads that follow go to the disk.
    static func writeEngine(_ path: String, bytes: Int, seed: UInt8) throws {
        let descriptor = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ReadTraceError("cannot write \(path): \(Errno.current)") }
        defer { close(descriptor) }
        let chunk = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ Int(seed) &* 17 &+ ($0 >> 12)) }
        var written = 0
        while written < bytes {
            let length = min(chunk.count, bytes - written)
            let result = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, length) }
            guard result > 0 else { throw ReadTraceError("cannot write \(path): \(Errno.current)") }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw ReadTraceError("cannot sync \(path): \(Errno.current)") }
    }

    static func shell(_ command: String) throws {
        let child = try ChildProcess(arguments: ["/bin/sh", "-c", command], user: nil)
        var status: ExitStatus?
        while status == nil {
            status = child.exitStatus()
            if status == nil { usleep(5_000) }
        }
        guard status?.code == 0 else { throw ReadTraceError("'\(command.prefix(60))' failed with status \(status?.code ?? -1)") }
    }

    static func hex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in
            let value = UInt8.random(in: 0...255)
            return String(value >> 4, radix: 16) + String(value & 15, radix: 16)
        }.joined()
    }

}
