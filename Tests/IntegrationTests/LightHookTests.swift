import Foundation
import Testing

/// The light hook: reads seen by the page cache's own tracepoint, with no syscall tracepoint
/// attached. Needs filemap/mm_filemap_get_pages (6.10+): skipped where `readtrace features`
/// reports it missing on an older kernel.
@Suite(
    "The light hook (page-cache tracepoint, no syscall tracepoints)", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment),
    .enabled(if: KernelFeatureReport.shouldRun("filemapGetPages"), KernelFeatureReport.skipComment("filemapGetPages")))
struct LightHookTests {
    @Test("buffered reads are counted in whole pages clipped at the end of the file, untimed; reads at the end are not seen")
    func cachedReads() throws {
        let scratch = try ScratchDirectory()
        let size = 1 << 20 | 1234
        let chunk = 64 << 10
        let file = try scratch.file("light.engine", size: size)
        let trace = try Trace(["--hook", "light", "--comm", "rt-light"], in: scratch)
        let traced = try runWorkload(["--file", file, "--chunk", "\(chunk)", "--repeat", "2", "--name", "rt-light"])
        try runWorkload(["--file", file, "--chunk", "\(chunk)", "--name", "rt-other"])
        let dump = try trace.stop()

        #expect(dump.root["hook"] as? String == "light")
        #expect((dump.root["hook_accuracy"] as? String)?.contains("whole pages") == true)
        let entry = try #require(dump.read(pid: traced.pid, path: file))
        #expect(entry.int("read_bytes") == 2 * size)
        // Per pass: the full chunks and the short one; the call that returns 0 never reaches the page cache.
        #expect(entry.int("read_calls") == 2 * (size / chunk + 1))
        #expect(entry["latency_us"] is NSNull && entry["in_read_fraction"] is NSNull && entry["device_wait_fraction"] is NSNull)
        #expect(dump.readers(of: file) == [Int(traced.pid)])
    }

    @Test("a cold read from a loop device: its misses and block reads are the whole file; a file the process writes is not read")
    func coldRead() throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 128, in: scratch)
        let size = 32 << 20
        let file = try filesystem.file("cold.engine", size: size)
        let written = (file as NSString).deletingLastPathComponent + "/written.log"
        let trace = try Trace(["--hook", "light", "--comm", "rt-light-cold", "--comm", "dd"], in: scratch)
        let reader = try runWorkload(["--file", file, "--chunk", "1048576", "--drop-cache", "--name", "rt-light-cold"])
        let writer = try RunningProcess("/bin/dd", ["if=/dev/zero", "of=\(written)", "bs=1M", "count=8", "status=none"])
        #expect(writer.finish().status == 0)
        let dump = try trace.stop()

        let entry = try #require(dump.read(pid: reader.pid, path: file))
        #expect(entry.int("read_bytes") == size)
        #expect(entry.int("cache_miss_bytes") == size, "\(entry)")
        #expect(DiskReadTests.isClose(entry.int("block_read_bytes"), to: size), "\(entry)")
        #expect(dump.file(path: written) == nil, "pages dd added by writing are not reads")
    }

    @Test("--hook auto says what syscall tracepoints cost the node and offers the light hook when it ends on them")
    func autoExplainsItsChoice() throws {
        let scratch = try ScratchDirectory()
        let trace = try Trace(["--comm", "rt-nobody"], in: scratch)
        let dump = try trace.stop()
        guard dump.root["hook"] as? String == "tracepoint" else { return }  // fentry or kprobe loaded: nothing to explain
        #expect(trace.running.standardError.contains("fentry was refused"))
        #expect(trace.running.standardError.contains("every syscall of every process on this node"))
        #expect(trace.running.standardError.contains("--hook light"))
    }
}
