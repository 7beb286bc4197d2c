import Testing

@testable import ReadTraceCore

/// Records what `ReadMetrics` sends, as the registry would hold it.
final class RecordingSink: MetricSink {
    var counters: [MetricLabels: [MetricCounter: UInt64]] = [:]
    var observations: [MetricLabels: [MetricHistogram: [Double]]] = [:]
    var loadsInProgress: [MetricLabels: Int] = [:]
    var removed: [MetricLabels] = []

    func add(_ amount: UInt64, to counter: MetricCounter, labels: MetricLabels) {
        counters[labels, default: [:]][counter, default: 0] += amount
    }
    func observe(_ seconds: Double, in histogram: MetricHistogram, labels: MetricLabels) {
        observations[labels, default: [:]][histogram, default: []].append(seconds)
    }
    func setLoadsInProgress(_ count: Int, labels: MetricLabels) { loadsInProgress[labels] = count }
    func remove(_ labels: MetricLabels) {
        removed.append(labels)
        counters[labels] = nil
        observations[labels] = nil
        loadsInProgress[labels] = nil
    }
}

@Suite("Agent metrics: series, labels, loads and cardinality")
struct AgentMetricsTests {
    static let engine = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 12)
    static let module = FileID(device: DeviceNumber(major: 7, minor: 0), inode: 13)
    static let podUID = "0b9f3c2e-1111-2222-3333-444455556666"
    static let cgroup =
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b9f3c2e_1111_2222_3333_444455556666.slice/"
        + "cri-containerd-" + String(repeating: "ab", count: 32) + ".scope"

    static func process(_ pid: Int32, comm: String = "trtserver", cgroup: String? = cgroup) -> TracedProcess {
        TracedProcess(record: ProcessRecord(pid: pid, parentPid: 1, cgroupID: 9, comm: comm), cgroupPath: cgroup)
    }

    static func file(_ id: FileID, _ path: String, size: UInt64) -> FileRecord {
        FileRecord(id: id, path: Array(path.utf8), sizeBytes: size, kind: .regular, deleted: false)
    }

    static func read(_ pid: Int32, _ file: FileID, bytes: Int64, at end: UInt64, latency: UInt64 = 2_000) -> KernelEvent {
        .read(ReadRecord(pid: pid, threadID: pid, file: file, endNanoseconds: end, latencyNanoseconds: latency, result: bytes))
    }

    static func metrics(maxSeries: Int = 100, globs: [String] = []) -> ReadMetrics {
        var metrics = ReadMetrics(
            configuration: ReadMetrics.Configuration(
                fileLabels: MetricFileLabels(globs: globs), maxSeries: maxSeries, forgetAfterNanoseconds: 300_000_000_000),
            podName: { $0 == podUID ? PodNames.Pod(namespace: "inference", name: "trtserver-0") : nil })
        metrics.note(file(engine, "/models/resnet50/model.engine", size: 8 << 20))
        metrics.note(file(module, "/usr/lib/python3/os.pyc", size: 4096))
        return metrics
    }

    @Test("reads count bytes, calls and errors under the pod, container, process name and model file")
    func labelsAndCounters() {
        var metrics = Self.metrics()
        let sink = RecordingSink()
        metrics.note(Self.process(10))
        metrics.record(Self.read(10, Self.engine, bytes: 1 << 20, at: 1_000_000), into: sink)
        metrics.record(Self.read(10, Self.engine, bytes: 1 << 20, at: 2_000_000), into: sink)
        metrics.record(Self.read(10, Self.engine, bytes: -5, at: 3_000_000), into: sink)
        metrics.record(Self.read(10, Self.module, bytes: 4096, at: 4_000_000), into: sink)
        let engine = MetricLabels(
            namespace: "inference", pod: "trtserver-0", podUID: Self.podUID, containerID: String(repeating: "ab", count: 32),
            comm: "trtserver", file: "/models/resnet50/model.engine")
        var other = engine
        other.file = "other"
        #expect(sink.counters[engine]?[.readBytes] == 2 << 20)
        #expect(sink.counters[engine]?[.readCalls] == 2)
        #expect(sink.counters[engine]?[.readErrors] == 1)
        #expect(sink.observations[engine]?[.readLatency] == [2e-6, 2e-6], "failed calls have no latency")
        #expect(sink.counters[other]?[.readBytes] == 4096, "files that are not model files share file=\"other\"")
        #expect(metrics.seriesCount == 2)
    }

    @Test("--path globs choose the files named in the file label")
    func globs() {
        let labels = MetricFileLabels(globs: ["/usr/lib/*"])
        #expect(labels.label(for: Self.file(Self.module, "/usr/lib/python3/os.pyc", size: 1)) == "/usr/lib/python3/os.pyc")
        #expect(labels.label(for: Self.file(Self.engine, "/models/a.engine", size: 1)) == "other")
        let defaults = MetricFileLabels(globs: [])
        for path in ["/m/a.engine", "/m/b.SAFETENSORS", "/m/c.gguf", "/m/d.onnx"] {
            #expect(defaults.label(for: Self.file(Self.engine, path, size: 1)) == path)
        }
        for path in ["/m/a.py", "/m.engine/readme", "/m/engine"] {
            #expect(defaults.label(for: Self.file(Self.engine, path, size: 1)) == "other")
        }
    }

    @Test("beyond --max-series, new label sets are folded into other and counted once per process and file")
    func folding() {
        var metrics = Self.metrics(maxSeries: 3)
        let sink = RecordingSink()
        for pid in Int32(1)...5 {
            metrics.note(Self.process(pid, comm: "reader\(pid)", cgroup: nil))
            metrics.record(Self.read(pid, Self.engine, bytes: 10, at: UInt64(pid) * 1000), into: sink)
            metrics.record(Self.read(pid, Self.engine, bytes: 10, at: UInt64(pid) * 1000 + 1), into: sink)
        }
        #expect(metrics.seriesCount == 3, "two of their own and other")
        #expect(metrics.foldedSeries == 3)
        #expect(sink.counters[.other]?[.readBytes] == 60)
        #expect(sink.counters.values.reduce(0) { $0 + ($1[.readBytes] ?? 0) } == 100, "no byte is lost by folding")
    }

    @Test("a series goes once every process that fed it has been gone for the forget time")
    func expiry() {
        var metrics = Self.metrics()
        let sink = RecordingSink()
        metrics.note(Self.process(10))
        metrics.note(Self.process(11))
        metrics.record(Self.read(10, Self.engine, bytes: 1, at: 1), into: sink)
        metrics.record(Self.read(11, Self.engine, bytes: 1, at: 2), into: sink)
        var alive: Set<Int32> = [11]
        metrics.sweep(now: 1_000_000_000, isAlive: { alive.contains($0) }, sink: sink)
        metrics.sweep(now: 400_000_000_000, isAlive: { alive.contains($0) }, sink: sink)
        #expect(metrics.seriesCount == 1, "process 11 still feeds the series")
        #expect(sink.removed.isEmpty)
        alive = []
        metrics.sweep(now: 500_000_000_000, isAlive: { alive.contains($0) }, sink: sink)
        #expect(metrics.seriesCount == 1, "gone, but not for five minutes yet")
        metrics.sweep(now: 800_000_000_001, isAlive: { alive.contains($0) }, sink: sink)
        #expect(metrics.seriesCount == 0)
        #expect(sink.removed.count == 1)
    }

    @Test("a load finishes when the loaded share is read; in progress until then, its duration observed")
    func loads() {
        var metrics = Self.metrics()
        let sink = RecordingSink()
        metrics.note(Self.process(10))
        let size: UInt64 = 8 << 20
        #expect(metrics.record(Self.read(10, Self.engine, bytes: Int64(size / 2), at: 1_000_000_000, latency: 1000), into: sink) == nil)
        #expect(metrics.loadsInProgress == 1)
        #expect(metrics.earliestLoadInProgressStart == 1_000_000_000 - 1000)
        let load = metrics.record(Self.read(10, Self.engine, bytes: Int64(size / 2), at: 3_000_000_000, latency: 1000), into: sink)
        #expect(load?.bytes == size)
        #expect(load?.startNanoseconds == 1_000_000_000 - 1000)
        #expect(load?.endNanoseconds == 3_000_000_000)
        #expect(metrics.loadsInProgress == 0)
        let labels = sink.counters.keys.first { $0.file.hasSuffix(".engine") }!
        #expect(sink.counters[labels]?[.fileLoads] == 1)
        #expect(sink.loadsInProgress[labels] == 0)
        #expect(sink.observations[labels]?[.fileLoadDuration]?.count == 1)
        #expect(metrics.record(Self.read(10, Self.engine, bytes: 10, at: 4_000_000_000), into: sink) == nil, "a load finishes once")
        // A small module is no load.
        metrics.record(Self.read(10, Self.module, bytes: 4096, at: 5_000_000_000), into: sink)
        #expect(sink.counters.values.reduce(0) { $0 + ($1[.fileLoads] ?? 0) } == 1)
    }

    @Test("a warm mapped load: pages mapped count in mmap_mapped_bytes and finish the load; faulted-in pages do not add to them")
    func mappedLoad() {
        var metrics = Self.metrics()
        let sink = RecordingSink()
        metrics.note(Self.process(10))
        let half: UInt64 = 4 << 20
        func fill(_ bytes: UInt64, _ cause: FaultFillRecord.Cause, at end: UInt64) -> KernelEvent {
            .faultFill(FaultFillRecord(pid: 10, file: Self.engine, bytes: bytes, endNanoseconds: end, cause: cause))
        }
        // Half the file faulted in and mapped (cold), then the other half mapped from the cache (warm).
        #expect(metrics.record(fill(half, .fault, at: 1_000), into: sink) == nil)
        #expect(metrics.record(fill(half, .mapped, at: 2_000), into: sink) == nil, "the same pages: half the file so far")
        let load = metrics.record(fill(half, .mapped, at: 3_000), into: sink)
        #expect(load?.bytes == 2 * half)
        let labels = sink.counters.keys.first { $0.file.hasSuffix(".engine") }!
        #expect(sink.counters[labels]?[.mmapFaultBytes] == half)
        #expect(sink.counters[labels]?[.mmapMappedBytes] == 2 * half)
        #expect(sink.counters[labels]?[.fileLoads] == 1)
    }

    @Test("what the kernel counted of a process's unselected files adds to its file=\"other\" series, with no latency and no load")
    func unselectedReads() {
        var metrics = Self.metrics()
        let sink = RecordingSink()
        metrics.note(Self.process(10))
        metrics.record(Self.read(10, Self.module, bytes: 4096, at: 1_000), into: sink)
        metrics.recordUnselected(pid: 10, ProcessReadCounts(readBytes: 8192, readCalls: 3, readErrors: 1, cacheMissBytes: 4096), into: sink)
        metrics.recordUnselected(pid: 10, ProcessReadCounts(), into: sink)
        metrics.recordUnselected(pid: 10, ProcessReadCounts(readBytes: 0, readCalls: 1), into: sink)
        let other = sink.counters.keys.first { $0.file == "other" }!
        #expect(other.comm == "trtserver" && other.pod == "trtserver-0")
        #expect(sink.counters[other]?[.readBytes] == 4096 + 8192)
        #expect(sink.counters[other]?[.readCalls] == 1 + 3 + 1)
        #expect(sink.counters[other]?[.readErrors] == 1)
        #expect(sink.counters[other]?[.cacheMissBytes] == 4096)
        #expect(sink.observations[other]?[.readLatency]?.count == 1, "only the record's read was timed")
        #expect(metrics.seriesCount == 1 && metrics.loadsInProgress == 0)
        #expect(
            ProcessReadCounts(readBytes: 10, readCalls: 2).since(ProcessReadCounts(readBytes: 4, readCalls: 1))
                == ProcessReadCounts(readBytes: 6, readCalls: 1))
    }

    @Test(
        "the kernel's suffix selection agrees with the file label: defaults without case, *SUFFIX globs exactly, others not in the kernel")
    func suffixSelection() throws {
        /// The kernel's comparison (bpf/lib/selection.bpf.h): the name's last 16 bytes, under each mask.
        func kernelSelects(_ selection: SuffixSelection, name: String) -> Bool {
            var tail = [UInt8](repeating: 0xa5, count: 16) + Array(name.utf8)
            tail = Array(tail.suffix(16))
            if selection.caseInsensitive { tail = tail.map { (65...90).contains($0) ? $0 | 0x20 : $0 } }
            let words = tail.withUnsafeBytes {
                ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
            return selection.suffixes.indices.contains { index in
                let (suffix, mask) = selection.words(index)
                return name.utf8.count >= selection.suffixes[index].count && words.0 & mask.0 == suffix.0 && words.1 & mask.1 == suffix.1
            }
        }
        let names = [
            "a.engine", "b.SAFETENSORS", "c.Gguf", "model.onnx", ".engine", "engine", "a.engine.bak", "a.py", "x.pth", "x.pt",
            "weights-00001-of-00004.safetensors", "a-very-long-file-name-for-a-model.trt", "t.h5", "h5", "x.tflitee", "x.bin",
        ]
        let defaults = try #require(SuffixSelection(globs: []))
        #expect(defaults.caseInsensitive && defaults.suffixes.count == LoadRule.modelFileExtensions.count)
        for name in names {
            let labelled = MetricFileLabels(globs: []).selects(Self.file(Self.engine, "/models/" + name, size: 1))
            #expect(kernelSelects(defaults, name: name) == labelled, "\(name)")
        }
        let globs = ["*.engine", "*.safetensors"]
        let exact = try #require(SuffixSelection(globs: globs))
        #expect(!exact.caseInsensitive)
        for name in names + ["A.ENGINE"] {
            let labelled = MetricFileLabels(globs: globs).selects(Self.file(Self.engine, "/models/" + name, size: 1))
            #expect(kernelSelects(exact, name: name) == labelled, "\(name)")
        }
        #expect(SuffixSelection(globs: ["/models/*"]) == nil, "a directory is not a name suffix")
        #expect(SuffixSelection(globs: ["*.engine", "*/m/*.plan"]) == nil)
        #expect(SuffixSelection(globs: ["*a-suffix-longer-than-16"]) == nil)
        #expect(SuffixSelection(globs: ["*"]) == nil, "an empty suffix")
    }

    @Test("a process that exits mid-load is no longer loading")
    func abandonedLoad() {
        var metrics = Self.metrics()
        let sink = RecordingSink()
        metrics.note(Self.process(10))
        metrics.record(Self.read(10, Self.engine, bytes: 100, at: 1), into: sink)
        #expect(metrics.loadsInProgress == 1)
        metrics.sweep(now: 2, isAlive: { _ in false }, sink: sink)
        #expect(metrics.loadsInProgress == 0)
    }

    @Test("pod names come from /var/log/pods directory names: namespace_pod_uid")
    func podNames() {
        let names = PodNames(directoryNames: [
            "inference_trtserver-0_0B9F3C2E-1111-2222-3333-444455556666", "kube-system_coredns-x_not-a-uid", "junk", "a_b_c_d",
        ])
        #expect(names.byUID == [Self.podUID: PodNames.Pod(namespace: "inference", name: "trtserver-0")])
    }
}
