import Glibc
import Testing

@testable import ReadTraceCore

@Suite("Reading the system")
struct SystemParsingTests {
    @Test("the cgroup v2 mount is found in mountinfo, escapes decoded")
    func cgroupMount() {
        let mountinfo = """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
            30 25 0:26 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            35 25 0:31 / /sys/fs/cgroup/unified\\040v2 rw,relatime shared:9 - cgroup2 cgroup2 rw
            """
        #expect(CgroupHierarchy.find(inMountInfo: mountinfo)?.mountPoint == "/sys/fs/cgroup/unified v2")
        #expect(CgroupHierarchy.find(inMountInfo: "22 1 254:0 / / rw - ext4 /dev/vda rw") == nil)
    }

    @Test("a cgroup path resolves to its directory's inode and depth, inside or below the mount point")
    func cgroupResolution() throws {
        let hierarchy = CgroupHierarchy(mountPoint: "/proc")
        let resolved = try #require(hierarchy.resolve("/self/fd"))
        #expect(resolved.path == "/self/fd")
        #expect(resolved.level == 2)
        #expect(hierarchy.resolve("/proc/self/fd")?.path == "/self/fd")
        #expect(hierarchy.resolve("/")?.level == 0)
        #expect(hierarchy.resolve("/no/such/dir") == nil)
        #expect(hierarchy.resolve("/self/../self") == nil, "no climbing out of the hierarchy")
        #expect(hierarchy.resolve("/self/cmdline") == nil, "files are not cgroups")
    }

    @Test("command lines join their arguments with spaces")
    func commandLines() {
        #expect(ProcessRecord.cmdline(fromNulSeparated: Array("python3\0-m\0load\0".utf8)) == "python3 -m load")
        #expect(ProcessRecord.cmdline(fromNulSeparated: Array("a\0\0b\0".utf8)) == "a  b", "empty arguments are kept")
        #expect(ProcessRecord.cmdline(fromNulSeparated: [UInt8]()) == nil)
    }

    @Test("cgroup ids are named by finding the directory with that inode")
    func cgroupNames() throws {
        let names = CgroupNames(hierarchy: CgroupHierarchy(mountPoint: "/proc/self"))
        var info = stat()
        try #require(stat("/proc/self/fd", &info) == 0)
        #expect(names.path(of: UInt64(info.st_ino)) == "/fd")
        #expect(names.path(of: 0) == nil)
    }

    @Test("this process's command line and host facts are read from /proc")
    func procReaders() {
        let cmdline = ProcFS.cmdline(of: getpid())
        #expect(cmdline?.isEmpty == false)
        #expect(ProcFS.cmdline(of: 999_999_999) == nil)
        let host = ProcFS.host()
        #expect(host.kernel != "unknown" && host.bootID.count == 36)
    }

    @Test("durations parse with units and refuse anything else")
    func timeSpans() {
        #expect(TimeSpan(parsing: "10")?.nanoseconds == 10_000_000_000)
        #expect(TimeSpan(parsing: "250us")?.nanoseconds == 250_000)
        #expect(TimeSpan(parsing: "1h")?.nanoseconds == 3_600_000_000_000)
        for bad in ["", "s", "ms", "-1s", "1e3", "1x", "nan", "1.2.3s", " 1s"] {
            #expect(TimeSpan(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("programs are found the way execvp finds them; a file that cannot be run is told from no file")
    func executableSearch() {
        #expect(ExecutableSearch.find("sh", path: "/nonexistent:/bin") == .found("/bin/sh"))
        #expect(ExecutableSearch.find("/bin/sh") == .found("/bin/sh"))
        #expect(ExecutableSearch.find("no-such-program-here", path: "/bin:/usr/bin") == .notFound)
        #expect(ExecutableSearch.find("/nonexistent/program") == .notFound)
        let plainFile = "/tmp/readtrace-not-executable-\(getpid())"
        close(open(plainFile, O_CREAT | O_WRONLY, 0o644))
        defer { unlink(plainFile) }
        #expect(ExecutableSearch.find(plainFile) == .notExecutable(plainFile))
        #expect(
            ExecutableSearch.find("readtrace-not-executable-\(getpid())", path: "/nonexistent:/tmp") == .notExecutable(plainFile),
            "found in PATH but not executable")
        #expect(ExecutableSearch.find("/tmp") == .notExecutable("/tmp"), "a directory")
    }
}

@Suite("Mount table")
struct MountTableTests {
    static let mountinfo = """
        22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
        40 22 7:0 / /mnt/my\\040models rw,relatime shared:20 - ext4 /dev/loop0 rw
        41 22 7:0 /lower /srv/lower rw,relatime shared:20 - ext4 /dev/loop0 rw
        42 22 7:1 /snapshots/a /srv/a rw - ext4 /dev/loop1 rw
        not a mount line
        """

    @Test("a path from a filesystem's root gets the mount point, escapes decoded")
    func fullPaths() {
        let table = MountTable(mountinfo: Self.mountinfo)
        #expect(table.mounts.count == 4, "the malformed line is skipped")
        let loop0 = DeviceNumber(major: 7, minor: 0)
        #expect(table.fullPath(of: Array("/m/a.engine".utf8), onDevice: loop0) == Array("/mnt/my models/m/a.engine".utf8))
        #expect(table.fullPath(of: Array("/etc/hosts".utf8), onDevice: DeviceNumber(major: 254, minor: 1)) == Array("/etc/hosts".utf8))
    }

    @Test("a bind mount of a subdirectory shows only what is below it")
    func bindMounts() {
        let table = MountTable(mountinfo: Self.mountinfo)
        let loop1 = DeviceNumber(major: 7, minor: 1)
        #expect(table.fullPath(of: Array("/snapshots/a/w.bin".utf8), onDevice: loop1) == Array("/srv/a/w.bin".utf8))
        #expect(table.fullPath(of: Array("/snapshots/ab/w.bin".utf8), onDevice: loop1) == nil, "/snapshots/ab is not below /snapshots/a")
    }

    @Test("a file no mount shows keeps its filesystem path behind its device")
    func unmounted() {
        let table = MountTable(mountinfo: Self.mountinfo)
        let file = FileRecord(
            id: FileID(device: DeviceNumber(major: 9, minor: 3), inode: 1), path: Array("/x.bin".utf8), sizeBytes: 0,
            kind: .regular, deleted: false, pathIsFilesystemRelative: true)
        #expect(table.locate(file).displayPath == "[9:3]/x.bin")
        #expect(!table.locate(file).pathIsFilesystemRelative)
    }
}

@Suite("Containers and pods from cgroup paths")
struct ContainerIdentityTests {
    static let id = "4f5d9c1e2b3a4f5d9c1e2b3a4f5d9c1e2b3a4f5d9c1e2b3a4f5d9c1e2b3a4f5d"
    static let uid = "0b9f3c2e-6d1a-4b7e-9a8c-1234567890ab"
    static let systemdUID = "0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab"

    @Test(
        "the systemd driver's slices and scopes, for every runtime and QoS class",
        arguments: [
            (
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod\(systemdUID).slice/cri-containerd-\(id).scope",
                ContainerRuntime.containerd
            ),
            ("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod\(systemdUID).slice/crio-\(id).scope", .crio),
            ("/kubepods.slice/kubepods-pod\(systemdUID).slice/docker-\(id).scope", .docker),
        ])
    func systemdDriver(path: String, runtime: ContainerRuntime) {
        #expect(ContainerIdentity(cgroupPath: path) == ContainerIdentity(containerID: Self.id, podUID: Self.uid, runtime: runtime))
    }

    @Test(
        "the cgroupfs driver's directories name the pod and container but not the runtime",
        arguments: [
            "/kubepods/burstable/pod\(uid)/\(id)", "/kubepods/pod\(uid)/\(id)", "/kubepods/besteffort/pod\(uid)/\(id)",
        ])
    func cgroupfsDriver(path: String) {
        #expect(ContainerIdentity(cgroupPath: path) == ContainerIdentity(containerID: Self.id, podUID: Self.uid, runtime: nil))
    }

    @Test("a pod's own cgroup, plain docker and no container at all")
    func partialAndNone() {
        #expect(
            ContainerIdentity(cgroupPath: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod\(Self.systemdUID).slice")
                == ContainerIdentity(podUID: Self.uid))
        #expect(
            ContainerIdentity(cgroupPath: "/system.slice/docker-\(Self.id).scope")
                == ContainerIdentity(containerID: Self.id, runtime: .docker))
        #expect(ContainerIdentity(cgroupPath: "/docker/\(Self.id)") == ContainerIdentity(containerID: Self.id, runtime: .docker))
        #expect(ContainerIdentity(cgroupPath: "/user.slice/user-1000.slice/session-3.scope") == ContainerIdentity())
        #expect(ContainerIdentity(cgroupPath: "/system.slice/podman-pause.scope") == ContainerIdentity())
        #expect(ContainerIdentity(cgroupPath: "/kubepods.slice/kubepods-burstable.slice") == ContainerIdentity(), "a QoS slice is no pod")
    }

    @Test("--pod and --container match by prefix; pod uids with or without underscores")
    func prefixes() {
        let identity = ContainerIdentity(containerID: Self.id, podUID: Self.uid, runtime: .containerd)
        #expect(identity.matches(podPrefixes: ["0b9f3c2e-6d1a"], containerPrefixes: []))
        #expect(identity.matches(podPrefixes: ["0B9F3C2E_6D1A"], containerPrefixes: []))
        #expect(identity.matches(podPrefixes: [], containerPrefixes: ["4f5d9c"]))
        #expect(!identity.matches(podPrefixes: ["0b9f4"], containerPrefixes: ["4f5e"]))
        #expect(!ContainerIdentity().matches(podPrefixes: [""], containerPrefixes: [""]), "no pod, no container: nothing to match")
    }
}
