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

    @Test("the v2 line of /proc/PID/cgroup gives the path")
    func procCgroup() {
        let text = "12:cpu:/user.slice\n0::/kubepods.slice/pod1/cri-containerd-ab.scope\n"
        #expect(ProcFS.cgroupV2Path(fromProcCgroup: text) == "/kubepods.slice/pod1/cri-containerd-ab.scope")
        #expect(ProcFS.cgroupV2Path(fromProcCgroup: "1:name=systemd:/\n") == nil)
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

    @Test("programs are found the way execvp finds them")
    func executableSearch() {
        #expect(ExecutableSearch.find("sh", path: "/nonexistent:/bin") == "/bin/sh")
        #expect(ExecutableSearch.find("/bin/sh") == "/bin/sh")
        #expect(ExecutableSearch.find("no-such-program-here", path: "/bin:/usr/bin") == nil)
        #expect(ExecutableSearch.find("/etc/hostname") == nil, "not executable")
    }
}
