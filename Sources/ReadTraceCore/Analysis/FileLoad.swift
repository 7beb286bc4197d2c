/// A reads entry with what the timeline and the storm summary need to know about it.
public struct FileLoad: Sendable {
    /// The entry, its file and its process behind one reference: loads are sorted and filtered
    /// over and over, and as values they made each load about 800 bytes to move.
    private final class Entry: Sendable {
        let read: DumpDocument.Read
        let file: DumpDocument.File?
        let process: DumpDocument.Process?

        init(read: DumpDocument.Read, file: DumpDocument.File?, process: DumpDocument.Process?) {
            self.read = read
            self.file = file
            self.process = process
        }
    }

    private var entry: Entry
    public var read: DumpDocument.Read {
        get { entry.read }
        set { entry = Entry(read: newValue, file: entry.file, process: entry.process) }
    }
    public var file: DumpDocument.File? { entry.file }
    public var process: DumpDocument.Process? { entry.process }
    /// "pod 0b9f3c2e" or "ctr 4f5d9c1e2b3a", shortened to tell the dump's pods and containers
    /// apart; nil outside a pod or container.
    public var group: String?
    /// The block device the load read from: its file's, or for an overlay file the one below it.
    public var deviceName: String?
    /// Bytes of the file in the page cache when this load began, for the file's first load
    /// (the only one whose start the kernel measured); nil for the others, or when not measured.
    public var cachedAtStartBytes: UInt64?

    init(
        read: DumpDocument.Read, file: DumpDocument.File?, process: DumpDocument.Process?, group: String?, deviceName: String?,
        cachedAtStartBytes: UInt64?
    ) {
        entry = Entry(read: read, file: file, process: process)
        self.group = group
        self.deviceName = deviceName
        self.cachedAtStartBytes = cachedAtStartBytes
    }

    /// The entry's pid and file id, which tell loads apart (file ids stay unique in a merged dump).
    public struct Key: Hashable, Sendable {
        public var pid: Int32
        public var fileID: Int
    }

    public var key: Key { Key(pid: read.pid, fileID: read.fileID) }

    /// In a merged dump, the host the load ran on (its file's); nil in a dump of one run.
    public var host: String? { file?.host }

    // Names as text shows them (`TerminalText`): whoever wrote the dump, or named the process
    // or the file, chose them.

    /// The file's name without its directories, escaped.
    public var fileName: String {
        file.map { TerminalText.escaped($0.path.split(separator: "/").last.map(String.init) ?? $0.path) } ?? "file \(read.fileID)"
    }

    /// The file's path, escaped (its name when the dump has no file for it).
    public var shownPath: String { file.map { TerminalText.escaped($0.path) } ?? fileName }

    /// The process name, escaped.
    public var shownComm: String { TerminalText.escaped(process?.comm ?? "?") }

    /// The pod or container, escaped.
    public var shownGroup: String? { group.map(TerminalText.escaped) }

    /// How warm the load started: "warm" with at least 95% of the file already in the page
    /// cache, "cold" with at most 5%, else "40% warm"; nil when not known.
    public var warmth: String? {
        guard let cached = cachedAtStartBytes, let size = file?.sizeBytes, size > 0 else { return nil }
        let share = Double(min(cached, size)) / Double(size)
        return share >= 0.95 ? "warm" : share <= 0.05 ? "cold" : "\(Int((share * 100).rounded()))% warm"
    }

    /// What follows the file name: how warm the load started, the pod or else the container.
    private var suffix: String { [warmth, shownGroup].compactMap { $0.map { " " + $0 } }.joined() }

    /// "trtserver 4123 a.engine cold pod 0b9f3c2e": the warmth, and the pod or else the container, beside the file.
    public var label: String { "\(shownHost)\(shownComm) \(read.pid) \(fileName)" + suffix }

    /// The host and a blank, escaped; empty in a dump of one run.
    private var shownHost: String { host.map { TerminalText.escaped($0) + " " } ?? "" }

    /// The label in `width` characters: a long process name is cut, then the file name loses
    /// its middle, before the warmth and the pod or container are cut.
    public func label(width: Int) -> String {
        let comm = shownComm
        let group = suffix
        let whole = "\(shownHost)\(comm) \(read.pid) "
        let who =
            whole.count + fileName.count + group.count > width ? "\(shownHost)\(TextFormat.fit(comm, width: 8)) \(read.pid) " : whole
        let room = width - who.count - group.count
        guard room >= 6 else { return TextFormat.fit(label, width: width) }
        return who + TextFormat.elideMiddle(fileName, toWidth: room) + group
    }

    /// Bytes the load brought in, by read calls and through a mapping.
    public var bytes: UInt64 { read.readBytes + read.mappedLoadBytes }

    /// When the load finished: loaded, or its last read if it never was.
    public var endSeconds: Double { read.loadSeconds.map { read.firstReadSeconds + $0 } ?? read.lastReadSeconds }

    /// From the first read until the load finished: the time the load was in progress.
    public var span: ClosedRange<Double> { read.firstReadSeconds...max(endSeconds, read.firstReadSeconds) }

    /// Bytes over the load's span, in MiB/s; 0 for a load with no measurable span.
    public var mebibytesPerSecond: Double {
        let seconds = span.upperBound - span.lowerBound
        return seconds > 0 ? Double(bytes) / 1_048_576 / seconds : 0
    }
}

extension DumpDocument {
    /// The entries that read something, in the order their loads started.
    public var loads: [FileLoad] {
        let filesByID = Dictionary(files.map { ($0.fileID, $0) }, uniquingKeysWith: { first, _ in first })
        // A merged dump's pids and device numbers are unique per host only.
        let processesByPID = Dictionary(
            processes.map { (ProcessKey(host: $0.host, pid: $0.pid), $0) }, uniquingKeysWith: { first, _ in first })
        let devicesByNumber = Dictionary(devices.map { ($0.dev + "@" + ($0.host ?? ""), $0.name) }, uniquingKeysWith: { first, _ in first })
        // Pod uids keep at least 8 characters, container ids the 12 their runtimes show.
        let pods = IdentifierAbbreviation(processes.compactMap(\.podUID), minimumLength: 8)
        let containers = IdentifierAbbreviation(processes.compactMap(\.containerID), minimumLength: 12)
        // Each process's group once, not once per entry.
        var groups: [ProcessKey: String?] = [:]
        // Sorted on their keys before they are built: sorting whole entries took long in a dump of 100,000.
        let order = reads.indices.filter { reads[$0].readBytes + reads[$0].mappedLoadBytes > 0 }
            .sorted {
                (reads[$0].firstReadSeconds, reads[$0].pid, reads[$0].fileID) < (
                    reads[$1].firstReadSeconds, reads[$1].pid, reads[$1].fileID
                )
            }
        // The page cache was measured as the file's first read began: that is the first load's start.
        var started = Set<Int>()
        return order.map { index in
            let read = reads[index]
            let file = filesByID[read.fileID]
            let key = ProcessKey(host: file?.host, pid: read.pid)
            let process = processesByPID[key]
            let group: String?
            if let known = groups[key] {
                group = known
            } else {
                group = process?.identity.label(pod: { pods($0) }, container: { containers($0) })
                groups[key] = group
            }
            let device = file?.deviceName ?? file?.lowerDev.flatMap { devicesByNumber[$0 + "@" + (file?.host ?? "")] }
            return FileLoad(
                read: read, file: file, process: process, group: group, deviceName: device,
                cachedAtStartBytes: started.insert(read.fileID).inserted ? file?.cachedAtStartBytes : nil)
        }
    }

    /// The entries the rule counts as loads, in the order they started.
    public func loads(countedBy rule: LoadRule) -> [FileLoad] {
        loads.filter(rule.counts)
    }
}
