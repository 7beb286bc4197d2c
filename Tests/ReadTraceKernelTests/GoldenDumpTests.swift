import Foundation
import ReadTraceCore
import ReadTraceKernel
import Testing

/// A run recorded once with `--record-stream` (a shell running readtrace-workload: a cold read,
/// a cold mapped file, failing preadv2 calls, two threads of pread64) replays through decoding
/// and aggregation into the same dump, byte for byte. Guards every change that should not change
/// behaviour; `READTRACE_UPDATE_GOLDEN=1` rewrites the expected dump after an intended change.
@Suite("Recorded kernel records replay into the same dump")
struct GoldenDumpTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func replayedDump() throws -> [UInt8] {
        let stream = try Array(Data(contentsOf: fixtures.appendingPathComponent("recorded-run.stream")))
        let records = try #require(RecordStream.records(in: stream))
        let events = records.compactMap { record in record.withUnsafeBytes(RecordDecoder.decode) }
        #expect(events.count == records.count, "every recorded record decodes")
        let times = events.compactMap { event -> UInt64? in
            if case .read(let read) = event { return read.endNanoseconds } else { return nil }
        }
        let start = try #require(times.min()) - 1_000_000
        var aggregate = TraceAggregate(startNanoseconds: start) { TracedProcess(record: $0, cmdline: $0.cmdline, cgroupPath: nil) }
        for event in events { aggregate.record(event) }
        let metadata = RunMetadata(
            toolVersion: "0.1.0", host: .init(hostname: "node", kernel: "6.18", bootID: "00000000-0000-0000-0000-000000000000"),
            hook: .tracepoint, startedAtUnixSeconds: 1_764_024_249.125,
            durationSeconds: Double(try #require(times.max()) - start) / 1e9,
            filters: .init(), counters: KernelCounters(eventsEmitted: UInt64(records.count), eventsLost: 0))
        var bytes: [UInt8] = []
        try DumpContents(aggregate: aggregate, metadata: metadata, pathFilter: PathFilter([])).write { bytes += $0 }
        return bytes
    }

    @Test("the recorded stream gives the committed dump")
    func replay() throws {
        let dump = try Self.replayedDump()
        let golden = Self.fixtures.appendingPathComponent("recorded-run.dump.json")
        if ProcessInfo.processInfo.environment["READTRACE_UPDATE_GOLDEN"] == "1" {
            try Data(dump).write(to: golden)
        }
        let expected = try Array(Data(contentsOf: golden))
        #expect(dump == expected, "the dump differs from Fixtures/recorded-run.dump.json")
        // Not a trivial stream: reads with errors, page-cache misses, block IO and mapped-page faults.
        let document = try DumpDocument.decode(dump)
        #expect(document.reads.contains { $0.errorCalls > 0 })
        #expect(document.reads.contains { $0.blockReadBytes > 0 && $0.cacheMissBytes > 0 })
        #expect(document.reads.contains { $0.mmapFaultBytes > 0 })
        #expect(document.processes.count >= 4)
    }

    @Test("a stream cut inside a record is refused, and unknown or short records decode to nothing")
    func damagedStreams() {
        #expect(RecordStream.records(in: [8, 0, 0, 0, 1, 2]) == nil)
        #expect(RecordStream.records(in: [1, 0]) == nil)
        #expect(RecordStream.records(in: [])?.isEmpty == true)
        for record: [UInt8] in [[], [1, 0], [99, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0]] {
            #expect(record.withUnsafeBytes(RecordDecoder.decode) == nil)
        }
    }
}
