import Testing

@testable import ReadTraceCore

@Suite("Load phases: markers parsed, libraries found, time split into reads, phases and neither")
struct LoadPhaseAnalysisTests {
    @Test("a function marker, its bytes argument and a USDT span parse; bad ones say what is wrong")
    func markerSyntax() throws {
        let copy = try MarkSpec(parsing: "copy=libcudart.so:cudaMemcpy:bytes=arg3")
        #expect(copy.target == .function(library: "libcudart.so", symbol: "cudaMemcpy"))
        #expect(copy.bytesArgument == 3)
        #expect(copy.description == "copy=libcudart.so:cudaMemcpy:bytes=arg3")
        let usdt = try MarkSpec(parsing: "load=usdt:/usr/bin/server:app:load_begin,load_end")
        #expect(usdt.target == .usdt(binary: "/usr/bin/server", provider: "app", probe: "load_begin", endProbe: "load_end"))
        for (bad, message) in [
            ("nolibrary", "needs a name first"), ("=lib:f", "needs a name first"), ("x=lib", "NAME=LIBRARY:SYMBOL"),
            ("x=lib:f:bytes=arg6", "arg1 to arg5"), ("x=usdt:/bin/a:p", "NAME=usdt:PATH:PROVIDER:PROBE"),
            ("x=usdt:/bin/a:p:a,b,c", "one probe, or two"),
        ] {
            #expect(throws: MarkSpecError.self, "\(bad)") { try MarkSpec(parsing: bad) }
            do { _ = try MarkSpec(parsing: bad) } catch { #expect(error.description.contains(message), "\(bad): \(error)") }
        }
    }

    @Test("a soname is found in ldconfig's list, this architecture's copy, and by its shorter name")
    func loaderCache() {
        let libraries = SharedLibraries(
            ldconfigOutput: """
                3 libs found in cache `/etc/ld.so.cache'
                \tlibcuda.so.1 (libc6) => /usr/lib32/libcuda.so.1
                \tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1
                \tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1
                """)
        #expect(libraries.path(for: "libcuda.so.1") == "/usr/lib/x86_64-linux-gnu/libcuda.so.1")
        #expect(libraries.path(for: "libcuda.so") == "/usr/lib/x86_64-linux-gnu/libcuda.so.1")
        #expect(libraries.path(for: "libz") == "/lib/x86_64-linux-gnu/libz.so.1")
        #expect(libraries.path(for: "libnvinfer.so") == nil)
        #expect(libraries.path(for: "/opt/lib/libx.so") == "/opt/lib/libx.so")
    }

    @Test("interval sets merge, intersect and subtract exactly")
    func intervals() {
        let a = IntervalSet([10..<20, 15..<30, 40..<50])
        #expect(a.intervals == [10..<30, 40..<50])
        #expect(a.measure == 30)
        let b = IntervalSet([25..<45])
        #expect(a.intersection(b).intervals == [25..<30, 40..<45])
        #expect(a.subtracting(b).intervals == [10..<25, 45..<50])
        #expect(a.union(b).intervals == [10..<50])
    }

    @Test("a process's window splits into reads (and device wait), each phase outside reads and earlier phases, and neither; they add up")
    func breakdownAddsUp() {
        var times = TraceAggregate.CallTimes()
        times.reads.append(1_000_000..<3_000_000)  // inside deserialize
        times.reads.append(2_500_000..<3_500_000)  // another thread, overlapping
        times.deviceRequests.append(2_000_000..<4_000_000)
        let spans = [
            MarkRecord(pid: 7, threadID: 7, mark: 0, startNanoseconds: 500_000, endNanoseconds: 4_000_000),
            MarkRecord(pid: 7, threadID: 7, mark: 1, startNanoseconds: 5_000_000, endNanoseconds: 9_000_000, bytes: 4096),
            MarkRecord(pid: 7, threadID: 8, mark: 1, startNanoseconds: 6_000_000, endNanoseconds: 7_000_000),
        ]
        let breakdown = PhaseAnalysis.breakdown(
            pid: 7, spans: spans, callTimes: times, markerNames: ["deserialize", "copy"], since: 0)
        #expect(breakdown.windowStartSeconds == 0.0005)
        #expect(breakdown.windowSeconds == 0.0085)
        #expect(breakdown.readSeconds == 0.0025)
        #expect(breakdown.deviceWaitSeconds == 0.0015)
        #expect(breakdown.phases.map(\.seconds) == [0.001, 0.004])
        #expect(breakdown.neitherSeconds == 0.001)
        let verdict = PhaseAnalysis.verdict([breakdown])!
        #expect(!verdict.diskWasBottleneck)
        #expect(
            PhaseReport.verdictLine(verdict)
                == "Disk: not the bottleneck: waiting on the device 18% of 8.5ms in 1 process; other read time 12%, deserialize 12%, copy 47%, neither 12%."
        )
    }
}
