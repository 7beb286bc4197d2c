import Foundation
import Testing

/// The floor scripts/bench measures filtering against: `--empty-read-hooks` attaches the read
/// hooks of the chosen variant with programs that return at once. If they did any work, the
/// benchmark's target (filtering within 5% of the floor) would be measured against the wrong thing.
@Suite(
    "The benchmark's empty-program floor", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct BenchmarkFloorTests {
    @Test("--empty-read-hooks with the tracepoint hook records no read of a process it would trace")
    func tracepointFloor() throws {
        try expectFloorRecordsNothing(hook: "tracepoint")
    }

    @Test(
        "--empty-read-hooks with the light hook records no read of a process it would trace",
        .enabled(if: KernelFeatureReport.shouldRun("filemapGetPages"), KernelFeatureReport.skipComment("filemapGetPages")))
    func lightFloor() throws {
        try expectFloorRecordsNothing(hook: "light")
    }

    /// The same trace with and without the flag: without it the read is seen, with it not.
    private func expectFloorRecordsNothing(hook: String) throws {
        let scratch = try ScratchDirectory()
        let size = 1 << 20
        let file = try scratch.file("floor.engine", size: size)
        for empty in [false, true] {
            let trace = try Trace(["--hook", hook, "--comm", "rt-floor"] + (empty ? ["--empty-read-hooks"] : []), in: scratch)
            let reader = try runWorkload(["--file", file, "--chunk", "65536", "--name", "rt-floor"])
            let dump = try trace.stop()

            #expect(dump.root["hook"] as? String == hook)
            if empty {
                #expect(dump.read(pid: reader.pid, path: file) == nil, "the floor's programs recorded a read")
            } else {
                #expect(dump.read(pid: reader.pid, path: file)?.int("read_bytes") == size, "without the flag the read is seen")
            }
        }
    }
}
