import Glibc

/// Small readers of /proc and /sys. Every one returns nil instead of failing:
/// the processes they describe may be gone by the time they are asked.
public enum ProcFS {
    /// Where the processes the kernel reports are: /proc, or the host's /proc mounted elsewhere
    /// when readtrace runs in a pid namespace of its own (`agent --host-proc`), since the
    /// kernel's programs see pids of the initial namespace. Set once, before any thread starts.
    nonisolated(unsafe) public static var processes = "/proc"

    /// The whole content of a (small, virtual) file.
    public static func readBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { return nil }
            if got == 0 { return content }
            content.append(contentsOf: chunk[..<got])
        }
    }

    public static func readText(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A one-line value such as /proc/sys/kernel/hostname, without its newline.
    public static func readLine(_ path: String) -> String? {
        readText(path).map { String($0.prefix { $0 != "\n" }) }
    }

    public static func host() -> RunMetadata.Host {
        RunMetadata.Host(
            hostname: readLine("/proc/sys/kernel/hostname") ?? "unknown",
            kernel: readLine("/proc/sys/kernel/osrelease") ?? "unknown",
            bootID: readLine("/proc/sys/kernel/random/boot_id") ?? "unknown")
    }

    public static func processExists(_ pid: Int32) -> Bool {
        pid > 0 && access(processes + "/\(pid)", F_OK) == 0
    }

    /// Whether the process exists and has not exited: a zombie (exited, not yet reaped) has not
    /// ended for /proc, but has for its reads.
    public static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0, let stat = readText(processes + "/\(pid)/stat"), let nameEnd = stat.lastIndex(of: ")") else { return false }
        let state = stat[nameEnd...].dropFirst().first { $0 != " " }
        return state != "Z" && state != "X"
    }

    /// The command line with arguments separated by spaces; nil once the process is gone
    /// (kernel threads have an empty one).
    public static func cmdline(of pid: Int32) -> String? {
        readBytes(processes + "/\(pid)/cmdline").flatMap(ProcessRecord.cmdline(fromNulSeparated:))
    }

    /// The path a process's descriptor shows for `file`, if it has the file open: the whole
    /// path, however deep (the kernel's own walk stops at a fixed depth).
    public static func openPath(of file: FileID, in pid: Int32) -> [UInt8]? {
        let directory = processes + "/\(pid)/fd"
        guard let stream = opendir(directory) else { return nil }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.first?.isNumber == true else { continue }
            let link = directory + "/" + name
            var info = stat()
            guard stat(link, &info) == 0, UInt64(info.st_ino) == file.inode,
                DeviceNumber(userSpace: UInt64(info.st_dev)) == file.device
            else { continue }
            var target = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = target.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { readlink(link, $0.baseAddress!, $0.count) }
            }
            guard length > 0, length < target.count, target[0] == UInt8(ascii: "/") else { return nil }
            return Array(target[..<length])
        }
        return nil
    }

    /// This process's pid in the namespace of `processes`, which is the one the kernel's programs
    /// report: /proc/self names it there.
    public static func ownPid() -> Int32 {
        var target = [CChar](repeating: 0, count: 32)
        let length = readlink(processes + "/self", &target, target.count - 1)
        guard length > 0 else { return getpid() }
        return Int32(String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)) ?? getpid()
    }

    /// Bit `capability` of the effective capability set.
    public static func hasEffectiveCapability(_ capability: Int) -> Bool {
        guard let status = readText("/proc/self/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let mask = UInt64(String(line.dropFirst("CapEff:".count).filter { !$0.isWhitespace }), radix: 16)
        else { return false }
        return mask & (1 << UInt64(capability)) != 0
    }
}
