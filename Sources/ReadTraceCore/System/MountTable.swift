/// Where filesystems are mounted, from /proc/self/mountinfo: turns a path that starts at
/// a filesystem's root (how the kernel names a file it knows only by its inode) into a
/// full path.
public struct MountTable: Sendable, Equatable {
    public struct Mount: Sendable, Equatable {
        public var device: DeviceNumber
        /// The directory of the filesystem this mount shows (not "/" for bind mounts).
        public var root: [UInt8]
        public var mountPoint: [UInt8]
    }

    public private(set) var mounts: [Mount] = []

    /// Parses mountinfo text; lines that do not parse are skipped.
    public init(mountinfo: String) {
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 5 else { continue }
            let numbers = fields[2].split(separator: ":")
            guard numbers.count == 2, let major = UInt32(numbers[0]), let minor = UInt32(numbers[1]) else { continue }
            mounts.append(
                Mount(
                    device: DeviceNumber(major: major, minor: minor), root: Self.unescaped(fields[3]),
                    mountPoint: Self.unescaped(fields[4])))
        }
    }

    public static func current() -> MountTable {
        MountTable(mountinfo: ProcFS.readText("/proc/self/mountinfo") ?? "")
    }

    /// The full path of `path` (from the root of the filesystem on `device`) through the first
    /// mount that shows it; nil when no mount does.
    public func fullPath(of path: [UInt8], onDevice device: DeviceNumber) -> [UInt8]? {
        for mount in mounts where mount.device == device {
            let root = mount.root == Array("/".utf8) ? [] : mount.root
            guard path.starts(with: root), path.count == root.count || path[root.count] == UInt8(ascii: "/") else { continue }
            let rest = path.dropFirst(root.count)
            let base = mount.mountPoint == Array("/".utf8) ? [] : mount.mountPoint
            return rest.isEmpty ? (base.isEmpty ? Array("/".utf8) : base) : base + rest
        }
        return nil
    }

    /// The record with a full path where a mount shows the file; otherwise its path stays
    /// filesystem-relative, prefixed with the device ("[7:0]/models/a.engine").
    public func locate(_ file: FileRecord) -> FileRecord {
        guard file.pathIsFilesystemRelative, !file.path.isEmpty else { return file }
        var located = file
        located.path = fullPath(of: file.path, onDevice: file.id.device) ?? Array("[\(file.id.device)]".utf8) + file.path
        located.pathIsFilesystemRelative = false
        return located
    }

    /// mountinfo escapes space, tab, newline and backslash as three octal digits.
    static func unescaped(_ field: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        let raw = Array(field.utf8)
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "\\"), index + 4 <= raw.count,
                let value = UInt8(String(decoding: raw[(index + 1)..<(index + 4)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(raw[index])
                index += 1
            }
        }
        return bytes
    }
}
