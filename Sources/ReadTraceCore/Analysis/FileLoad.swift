/// A reads entry with what the timeline and the storm summary need to know about it.
public struct FileLoad: Sendable {
    public var read: DumpDocument.Read
    public var file: DumpDocument.File?
    public var process: DumpDocument.Process?

    /// "trtserver 4123 a.engine pod 0b9f3c2e", the pod or else the container beside the file.
    public var label: String {
        let name = file.map { $0.path.split(separator: "/").last.map(String.init) ?? $0.path } ?? "file \(read.fileID)"
        var text = "\(process?.comm ?? "?") \(read.pid) \(name)"
        if let pod = process?.podUID {
            text += " pod " + pod.prefix(8)
        } else if let container = process?.containerID {
            text += " ctr " + container.prefix(12)
        }
        return text
    }

    /// Bytes the load brought in, by read calls and by faults on a mapping.
    public var bytes: UInt64 { read.readBytes + read.mmapFaultBytes }

    /// When the load finished: loaded, or its last read if it never was.
    public var endSeconds: Double { read.loadSeconds.map { read.firstReadSeconds + $0 } ?? read.lastReadSeconds }
}

extension DumpDocument {
    /// The entries that read something, in the order their loads started.
    public var loads: [FileLoad] {
        let filesByID = Dictionary(files.map { ($0.fileID, $0) }, uniquingKeysWith: { first, _ in first })
        let processesByPID = Dictionary(processes.map { ($0.pid, $0) }, uniquingKeysWith: { first, _ in first })
        return reads.filter { $0.readBytes + $0.mmapFaultBytes > 0 }
            .map { FileLoad(read: $0, file: filesByID[$0.fileID], process: processesByPID[$0.pid]) }
            .sorted { ($0.read.firstReadSeconds, $0.read.pid, $0.read.fileID) < ($1.read.firstReadSeconds, $1.read.pid, $1.read.fileID) }
    }
}
