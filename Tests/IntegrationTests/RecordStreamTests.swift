import Foundation
import ReadTraceCore
import ReadTraceKernel
import Testing

/// `--record-stream` keeps the kernel's records as they came, so a run can be replayed (the
/// golden test's fixture was recorded this way).
@Suite(
    "Recording the kernel's records", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct RecordStreamTests {
    @Test("a recorded run replays through decoding and aggregation into the live run's figures, entry for entry")
    func replayMatchesTheLiveRun() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("replay.bin", size: 300_000)
        let stream = scratch.path + "/run.stream"
        let dumpPath = scratch.path + "/live.json"
        let readtrace = try RunningProcess(
            Paths.readtrace,
            [
                "--quiet", "--record-stream", stream, "--json", dumpPath, "--",
                Paths.workload, "--file", file, "--chunk", "7000", "--failing-reads", "2", "--drop-cache",
            ])
        #expect(readtrace.finish().status == 0, "\(readtrace.standardError)")
        let live = try Dump(path: dumpPath)

        let records = try #require(RecordStream.records(in: Array(try Data(contentsOf: URL(fileURLWithPath: stream)))))
        var aggregate = TraceAggregate(startNanoseconds: 0)
        for record in records {
            if let event = record.withUnsafeBytes(RecordDecoder.decode) { aggregate.record(event) }
        }
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: 1, filters: .init(), counters: KernelCounters())
        let replayed = DumpDocument(aggregate: aggregate, metadata: metadata, pathFilter: PathFilter([]))
        let pathsByID = Dictionary(uniqueKeysWithValues: replayed.files.map { ($0.fileID, $0.path) })
        let liveEntries = Set(
            live.reads.compactMap { read -> String? in
                guard let id = read.int("file_id"), let path = live.files.first(where: { $0.int("file_id") == id })?["path"] as? String
                else { return nil }
                return [
                    read.int("pid"), read.int("read_bytes"), read.int("read_calls"), read.int("error_calls"),
                    read.int("cache_miss_bytes"), read.int("block_read_bytes"),
                ].map { "\($0 ?? -1)" }.joined(separator: " ") + " " + path
            })
        let replayedEntries = Set(
            replayed.reads.map { read in
                [
                    "\(read.pid)", "\(read.readBytes)", "\(read.readCalls)", "\(read.errorCalls)", "\(read.cacheMissBytes)",
                    "\(read.blockReadBytes)",
                ].joined(separator: " ") + " " + (pathsByID[read.fileID] ?? "?")
            })
        #expect(!liveEntries.isEmpty)
        #expect(replayedEntries == liveEntries)
        #expect(liveEntries.contains { $0.hasSuffix(" " + file) && $0.contains(" 300000 ") })
    }
}
