import CSpawn
import Glibc
import ReadTraceCore

/// The command readtrace runs with `-- COMMAND`: started with default signal handling, none
/// of readtrace's capabilities and, under sudo, as the invoking user.
struct ChildProcess: Sendable {
    let pid: Int32

    /// The user to run as: SUDO_UID/SUDO_GID when readtrace itself runs under sudo.
    struct User: Sendable {
        var uid: uid_t
        var gid: gid_t

        static func invokingSudoUser() -> User? {
            guard geteuid() == 0,
                let uid = getenv("SUDO_UID").flatMap({ uid_t(String(cString: $0)) }),
                let gid = getenv("SUDO_GID").flatMap({ gid_t(String(cString: $0)) }),
                uid != 0
            else { return nil }
            return User(uid: uid, gid: gid)
        }

        /// Supplementary groups from the group database, read here rather than in the child.
        func supplementaryGroups() -> [gid_t] {
            guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return [gid] }
            var count: Int32 = 64
            var groups = [gid_t](repeating: 0, count: Int(count))
            while getgrouplist(name, gid, &groups, &count) < 0 {
                groups = [gid_t](repeating: 0, count: Int(count))
            }
            return Array(groups.prefix(Int(count)))
        }
    }

    /// Starts `arguments` (the program is searched in PATH).
    init(arguments: [String], user: User?) throws {
        precondition(!arguments.isEmpty, "validated by the command")
        let groups = user?.supplementaryGroups() ?? []
        var cArguments = arguments.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var failure: Int32 = 0
        let pid = groups.withUnsafeBufferPointer { groupBuffer in
            CSpawn_spawn(
                &cArguments, user != nil, user?.uid ?? 0, user?.gid ?? 0,
                groupBuffer.baseAddress, groupBuffer.count, &failure)
        }
        guard pid > 0 else {
            throw ReadTraceError("run \(arguments[0]): \(Errno(rawValue: failure))")
        }
        self.pid = pid
    }

    /// How the child ended, once it has; nil while it runs.
    func exitStatus() -> ExitStatus? {
        var status: Int32 = 0
        var reaped: Int32
        repeat { reaped = waitpid(pid, &status, WNOHANG) } while reaped < 0 && errno == EINTR
        guard reaped == pid else { return nil }
        return ExitStatus(waitStatus: status)
    }

    func signal(_ signal: Int32) { kill(pid, signal) }
}
