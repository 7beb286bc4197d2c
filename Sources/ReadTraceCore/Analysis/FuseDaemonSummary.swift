/// What each FUSE daemon in a dump did: its clients' reads through it are waits on it, its own
/// reads (of the files behind the filesystem) are the IO. Over a dump, so a live run's summary
/// and `readtrace report` say the same.
public enum FuseDaemonSummary {
    /// One line per daemon: "FUSE: bindfs 5636 serves 0:44: 1 client read 8.0M through it, it read 8.0M itself".
    public static func lines(_ dump: DumpDocument) -> [String] {
        let devicesByFile = Dictionary(dump.files.map { ($0.fileID, $0.dev) }, uniquingKeysWith: { first, _ in first })
        return dump.processes.compactMap { daemon -> String? in
            guard let filesystems = daemon.fuseServes, !filesystems.isEmpty else { return nil }
            let served = Set(filesystems)
            var own: UInt64 = 0
            var throughIt: UInt64 = 0
            var clients = Set<Int32>()
            for read in dump.reads {
                if read.pid == daemon.pid {
                    own += read.readBytes
                } else if let device = devicesByFile[read.fileID], served.contains(device) {
                    throughIt += read.readBytes
                    clients.insert(read.pid)
                }
            }
            return "FUSE: \(TerminalText.escaped(daemon.comm)) \(daemon.pid) serves "
                + "\(filesystems.map(TerminalText.escaped).joined(separator: ", ")): "
                + "\(clients.count) client\(clients.count == 1 ? "" : "s") read \(TextFormat.bytes(throughIt)) through it, "
                + "it read \(TextFormat.bytes(own)) itself"
        }
    }
}
