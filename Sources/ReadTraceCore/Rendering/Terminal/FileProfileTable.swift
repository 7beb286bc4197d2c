/// `report`'s files read more than once: per file, across processes, pods and hosts, the bytes
/// read over its size (read amplification) and how many readers loaded it at once. Shown when
/// some file was read by several readers or read over; a run of single loads gets no table.
struct FileProfileTable {
    var width: Int
    var rowPolicy: RowPolicy

    /// A file read a tenth more than its size counts as read over.
    static let amplificationShown = 1.1

    func render(_ profiles: [FileProfile]) -> [String] {
        let shown = profiles.filter { $0.readers > 1 || ($0.readAmplification ?? 0) > Self.amplificationShown }
        guard !shown.isEmpty else { return [] }
        let selection = RowSelection(shown, policy: rowPolicy, limit: rowPolicy.tableLimit, bytes: \.bytes)
        typealias Column = TextTable<FileProfile>.Column
        let table = TextTable(
            [
                Column(title: "SIZE", width: 6) { TextFormat.bytes($0.sizeBytes) },
                Column(title: "READ", width: 6) { TextFormat.bytes($0.bytes) },
                Column(title: "AMPL", width: 6) { $0.readAmplification.map { TextFormat.fixed($0, decimals: 1) + "x" } ?? "-" },
                Column(title: "READERS", width: 7) { String($0.readers) },
                Column(title: "AT_ONCE", width: 7) { String($0.concurrentReaders) },
                Column(title: "HOSTS", width: 5) { String($0.hosts) },
            ], pathTitle: "FILE", path: { TerminalText.escaped($0.path) }, width: width, droppable: ["HOSTS", "SIZE", "READERS"])
        var lines = ["", table.header] + selection.shown.map(table.line)
        if let rest = selection.restLine("files", bytes: \.bytes) { lines.append(TextFormat.fit(rest + " (--top)", width: width)) }
        lines += TextFormat.wrap(
            "Files read by several readers or read over: AMPL bytes read by all readers over the file's size; READERS "
                + "processes that read it (on every host); AT_ONCE the most loading it at the same moment."
                + (table.hidden.isEmpty ? "" : " Hidden at \(width) columns: \(table.hidden.joined(separator: ", ")) (--width)."),
            width: width, indent: 2)
        return lines
    }
}
