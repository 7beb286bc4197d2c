import Foundation
import Testing

/// Prefetch calls bring a file's pages into the page cache without reading them: their pages
/// count as the process's `prefetch_bytes` for the file, not as read bytes. Checked against
/// what the page cache gained during the call (the workload asks mincore before and after),
/// cold, on a private loop device.
@Suite(
    "Prefetch calls with the real BPF programs", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct PrefetchTests {
    static let size = 16 << 20

    @Test(
        "readahead, fadvise and madvise WILLNEED, MADV_POPULATE_READ and MAP_POPULATE: the pages they bring in are prefetch_bytes, not read_bytes",
        arguments: ["readahead", "fadvise", "madvise", "populate-read", "map-populate"])
    func prefetch(call: String) throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 64, in: scratch)
        let file = try filesystem.file("prefetch-\(call).engine", size: Self.size)
        let trace = try Trace(["--comm", "rt-prefetch"], in: scratch)
        let run = try runWorkload([
            "--file", file, "--drop-cache", "--prefetch", call, "--chunk", "1048576", "--name", "rt-prefetch",
        ])
        let dump = try trace.stop()
        let prefetched = try #require(
            run.output.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("prefetched=") }
                .flatMap { Int($0.dropFirst("prefetched=".count)) }, "workload printed: \(run.output)")
        try #require(prefetched > 0, "the \(call) call brought nothing in: the test proves nothing")
        if call == "populate-read" || call == "map-populate" {
            #expect(prefetched == Self.size, "populating a mapping brings in the whole file")
        }
        let entry = try #require(dump.read(pid: run.pid, path: file), "no entry for \(file)")
        #expect(entry.int("prefetch_bytes") == prefetched, "\(call): \(entry)")
        // The reads after the prefetch are counted as reads, and only they.
        #expect(entry.int("read_bytes") == Self.size, "\(call): \(entry)")
        #expect(entry.int("mmap_fault_bytes") == 0, "\(call): \(entry)")
        // The summary (160 columns off a terminal) and `report` at 80 columns show them in PREFETCH.
        let report = try RunningProcess(Paths.readtrace, ["report", trace.dumpPath, "--width", "80"]).finish()
        for (name, text) in [("summary", trace.running.standardOutput), ("report", report.standardOutput)] {
            let shown = Self.prefetchCell(of: run.pid, in: text)
            #expect(shown.flatMap(Self.shownBytes).map { Self.rounds(prefetched, to: $0) } == true, "\(call): \(name): \(text)")
        }
    }

    /// The PREFETCH cell of the row of `pid` in a table whose rows start with the pid.
    static func prefetchCell(of pid: Int32, in text: String) -> String? {
        let lines = text.split(separator: "\n").map(String.init)
        guard let header = lines.first(where: { $0.contains(" PREFETCH ") }), let title = header.range(of: "PREFETCH"),
            let row = lines.first(where: { $0.hasPrefix(String(format: "%7d ", pid)) })
        else { return nil }
        return row.prefix(header.distance(from: header.startIndex, to: title.upperBound)).split(separator: " ").last.map(String.init)
    }

    /// A byte count as tables show it ("16M", "3.5M", "900K") in bytes.
    static func shownBytes(_ number: String) -> Double? {
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024]
        guard let unit = number.last, let scale = units[unit] else { return Double(number) }
        return Double(number.dropLast()).map { $0 * scale }
    }

    /// Whether `bytes` shown with two or three significant digits reads as `shown`.
    static func rounds(_ bytes: Int, to shown: Double) -> Bool {
        abs(Double(bytes) - shown) <= Double(bytes) * 0.05 + 1
    }
}
