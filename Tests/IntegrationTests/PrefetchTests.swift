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
    }
}
