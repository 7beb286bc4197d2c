import Glibc

/// The mounted cgroup v2 hierarchy.
public struct CgroupHierarchy: Sendable {
    public let mountPoint: String

    public init(mountPoint: String) { self.mountPoint = mountPoint }

    /// Finds the cgroup2 mount in /proc/self/mountinfo.
    public static func current() -> CgroupHierarchy? {
        ProcFS.readText("/proc/self/mountinfo").flatMap(find(inMountInfo:))
    }

    static func find(inMountInfo text: String) -> CgroupHierarchy? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let separator = fields.firstIndex(of: "-"), separator + 1 < fields.count,
                fields[separator + 1] == "cgroup2", fields.count > 4
            else { continue }
            return CgroupHierarchy(mountPoint: String(decoding: MountTable.unescaped(fields[4]), as: UTF8.self))
        }
        return nil
    }

    /// Where the cgroup v1 hierarchy of `controller` ("blkio") is mounted, on hosts that keep
    /// v1 controllers beside the v2 hierarchy.
    public static func v1MountPoint(of controller: String, inMountInfo text: String) -> String? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let separator = fields.firstIndex(of: "-"), separator + 3 < fields.count, fields[separator + 1] == "cgroup",
                fields[separator + 3].split(separator: ",").contains(Substring(controller)), fields.count > 4
            else { continue }
            return String(decoding: MountTable.unescaped(fields[4]), as: UTF8.self)
        }
        return nil
    }

    /// Resolves a path inside the hierarchy ("/kubepods.slice/...") or a full filesystem
    /// path below the mount point; nil when no such cgroup exists.
    public func resolve(_ userPath: String) -> ResolvedCgroup? {
        var relative = userPath
        if relative == mountPoint || relative.hasPrefix(mountPoint + "/") {
            relative = String(relative.dropFirst(mountPoint.count))
        }
        let components = relative.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else { return nil }
        let normalized = "/" + components.joined(separator: "/")
        var info = stat()
        let directory = mountPoint + (normalized == "/" ? "" : normalized)
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        return ResolvedCgroup(path: normalized, id: UInt64(info.st_ino), level: components.count)
    }

    /// Every cgroup in the hierarchy, the root first, each before its children.
    public func all() -> [ResolvedCgroup] {
        var found: [ResolvedCgroup] = []
        func scan(_ relativePath: String, level: Int) {
            let directoryPath = mountPoint + relativePath
            var info = stat()
            guard stat(directoryPath, &info) == 0 else { return }
            found.append(ResolvedCgroup(path: relativePath.isEmpty ? "/" : relativePath, id: UInt64(info.st_ino), level: level))
            guard let directory = opendir(directoryPath) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { scan(relativePath + "/" + name, level: level + 1) }
            }
        }
        scan("", level: 0)
        return found
    }
}
