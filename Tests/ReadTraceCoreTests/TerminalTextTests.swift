import Testing

@testable import ReadTraceCore

@Suite("Names made safe for a terminal")
struct TerminalTextTests {
    @Test(
        "control characters (C0, DEL, C1) are written visibly; backslashes doubled; other text untouched",
        arguments: [
            ("osc\u{1b}]0;PWNED\u{7}", #"osc\x1b]0;PWNED\x07"#), ("new\nline", #"new\nline"#), ("tab\there\r", #"tab\there\r"#),
            ("del\u{7f}", #"del\x7f"#), ("csi\u{9b}2J next\u{85}", #"csi\x9b2J next\x85"#), ("nul\u{0}", #"nul\x00"#),
            (#"C:\models"#, #"C:\\models"#), ("/models/résumé ✓.engine", "/models/résumé ✓.engine"), ("", ""),
        ])
    func escaping(text: String, shown: String) {
        let escaped = TerminalText.escaped(text)
        #expect(escaped == shown)
        #expect(!escaped.unicodeScalars.contains(where: TerminalText.isControl))
    }

    @Test("table rows and load labels carry the escaped names, so a name cannot split a row")
    func chokepoints() {
        var aggregate = TraceAggregate(startNanoseconds: 0) { TracedProcess(record: $0) }
        let file = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 1)
        aggregate.record(.process(ProcessRecord(pid: 5, parentPid: 1, cgroupID: 0, comm: "\u{1b}]0;PW\u{7}\u{1b}[2J")))
        aggregate.record(.file(FileRecord(id: file, path: Array("/m/a\nb".utf8), sizeBytes: 1, kind: .regular, deleted: false)))
        #expect(aggregate.comm(of: 5) == #"\x1b]0;PW\x07\x1b[2J"#)
        #expect(aggregate.tablePath(of: file) == #"/m/a\nb"#)
        #expect(aggregate.groupLabel(of: 5, by: .pod) == #"\x1b]0;PW\x07\x1b[2J 5"#)
    }

    @Test("the live view and the summary draw a hostile name on one row, without a control character")
    func views() {
        var aggregate = TraceAggregate(startNanoseconds: 0) { TracedProcess(record: $0) }
        let file = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 1)
        aggregate.record(.process(ProcessRecord(pid: 5, parentPid: 1, cgroupID: 0, comm: "\u{1b}]0;PW\u{7}\u{1b}[2J")))
        aggregate.record(
            .file(
                FileRecord(
                    id: file, path: Array("/m/osc\u{1b}]0;PWNED\u{7}\nnext".utf8), sizeBytes: 9, kind: .regular,
                    deleted: false)))
        aggregate.record(.read(ReadRecord(pid: 5, threadID: 5, file: file, endNanoseconds: 1_000, latencyNanoseconds: 10, result: 9)))
        let live = RenderingTests.render(&aggregate)
        let summary = SummaryReport(sort: .bytes, pathFilter: PathFilter([]), width: 120)
            .render(aggregate: aggregate, metadata: DumpTests.metadata()).split(separator: "\n").map(String.init)
        // The live view has the state column (R: read in the interval) between PID and COMM.
        for (lines, reader) in [(live, #"      5 R \x1b]0;PW"#), (summary, #"      5 \x1b]0;PW"#)] {
            #expect(!lines.joined().unicodeScalars.contains(where: TerminalText.isControl), "\(lines)")
            let rows = lines.filter { $0.contains(#"/m/osc\x1b]0;PWNED\x07\nnext"#) }
            #expect(rows.count == 1 && rows[0].contains(reader), "\(lines)")
        }
    }
}

@Suite("--path globs")
struct PathGlobTests {
    @Test(
        "malformed globs are named; well-formed ones pass",
        arguments: [
            ("", "an empty glob matches no file"), ("[", "the glob has a '[' that is never closed"),
            ("/models/[ab", "the glob has a '[' that is never closed"), ("a\\", "the glob ends in a lone backslash"),
            ("[]", "the glob has a '[' that is never closed"),
        ])
    func malformed(pattern: String, problem: String) {
        #expect(PathFilter.problem(in: pattern) == problem)
    }

    @Test("well-formed globs have no problem", arguments: ["*.engine", "/models/[ab].bin", "[]]", "[!]x]", "[^a]", "\\[", "*"])
    func wellFormed(pattern: String) {
        #expect(PathFilter.problem(in: pattern) == nil)
    }

    @Test("a directory's glob matches every file below it and nothing beside it, its own glob characters literal")
    func directories() {
        let filter = PathFilter([PathFilter.pattern(below: "/models/v[1]*")])
        #expect(filter.matches(Array("/models/v[1]*/a/b.engine".utf8)))
        #expect(!filter.matches(Array("/models/v1x/a.engine".utf8)))
        #expect(!filter.matches(Array("/models/v[1]*".utf8)))
        #expect(PathFilter.pattern(below: "/") == "/*")
    }
}
