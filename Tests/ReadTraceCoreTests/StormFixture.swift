@testable import ReadTraceCore

/// Hand-made runs on loop0 for the timeline, storm and report tests: each load reads its file
/// in 1 MiB calls spread evenly over its time; loop0 reads 100 MiB/s every second at the
/// given %util, one diskstats sample a second.
enum StormFixture {
    static let start: UInt64 = 1_000_000_000
    static let loop0 = DeviceNumber(major: 7, minor: 0)
    static let podPath = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0b9f3c2e_6d1a_4b7e_9a8c_1234567890ab.slice"

    struct Load {
        var pid: Int32
        var inode: UInt64
        var begin: Double
        var seconds: Double
        var mebibytes = 100
        var path: String?
        var comm = "trtserver"
        /// The pod's uid in the cgroup path (underscores), or none.
        var pod: String?
    }

    static func dump(_ loads: [Load], utilization: [Double], durationSeconds: Double? = nil) -> DumpDocument {
        DumpDocument(contents(loads, utilization: utilization, durationSeconds: durationSeconds))
    }

    /// The run's dump, to stream or to draw from.
    static func contents(_ loads: [Load], utilization: [Double], durationSeconds: Double? = nil) -> DumpContents {
        var aggregate = TraceAggregate(startNanoseconds: start) { record in
            let pod = loads.first { $0.pid == record.pid }?.pod
            return TracedProcess(
                record: record,
                cgroupPath: pod.map {
                    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod\($0).slice/cri-containerd-\(String(repeating: "ab", count: 32)).scope"
                })
        }
        let mib: UInt64 = 1 << 20
        for load in loads {
            let file = FileID(device: loop0, inode: load.inode)
            aggregate.record(.process(ProcessRecord(pid: load.pid, parentPid: 1, cgroupID: 1, comm: load.comm)))
            let size = UInt64(load.mebibytes) * mib
            aggregate.record(
                .file(
                    FileRecord(
                        id: file, path: Array((load.path ?? "/models/\(load.inode).engine").utf8), sizeBytes: size,
                        kind: .regular, deleted: false)))
            let calls = max(load.mebibytes, 1)
            for call in 0..<calls {
                let end = start + UInt64((load.begin + load.seconds * Double(call + 1) / Double(calls)) * 1e9)
                aggregate.record(
                    .read(
                        ReadRecord(
                            pid: load.pid, threadID: load.pid, file: file, endNanoseconds: end,
                            latencyNanoseconds: UInt64(load.seconds / Double(calls) * 1e9),
                            result: Int64(min(size, mib)), cacheMissBytes: min(size, mib))))
            }
        }
        var history = DeviceHistory(startNanoseconds: start)
        var ticks: UInt64 = 0
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0", at: start))
        for (index, percent) in utilization.enumerated() {
            let second = index + 1
            ticks += UInt64(percent * 10)
            history.record(
                DiskStatsSnapshot(
                    parsing: "7 0 loop0 \(second * 100) 0 \(second * 204800) 1 0 0 0 0 0 \(ticks) \(ticks)",
                    at: start + UInt64(second) * 1_000_000_000))
        }
        let metadata = RunMetadata(
            toolVersion: "t", host: .init(hostname: "h", kernel: "k", bootID: "b"), hook: .tracepoint,
            startedAtUnixSeconds: 0, durationSeconds: durationSeconds ?? Double(utilization.count),
            filters: .init(), counters: KernelCounters())
        return DumpContents(aggregate: aggregate, metadata: metadata, pathFilter: PathFilter([]), deviceHistory: history)
    }
}
