import Foundation
import Testing

@testable import ReadTrace

@Suite("The demo's disk limit: which cgroup interface the host offers")
struct DemoDiskLimitTests {
    /// A directory standing for a cgroup hierarchy's root, holding `files`.
    static func hierarchy(_ files: [String: String]) throws -> String {
        let path = NSTemporaryDirectory() + "readtrace-demo-memory-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    static func blkioMount(at path: String) -> String {
        "35 25 0:30 / \(path) rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,blkio\n"
    }

    @Test("cgroup v2's io controller comes first; the v1 blkio throttle is the fallback on hybrid hosts")
    func probeOrder() throws {
        let v2WithIO = try Self.hierarchy(["cgroup.controllers": "cpuset cpu io memory pids\n"])
        let v2WithoutIO = try Self.hierarchy(["cgroup.controllers": "hugetlb\n"])
        let blkio = try Self.hierarchy(["blkio.throttle.read_bps_device": ""])
        defer { for path in [v2WithIO, v2WithoutIO, blkio] { try? FileManager.default.removeItem(atPath: path) } }
        #expect(DemoDiskLimit.probe(v2Hierarchy: v2WithIO, mountinfo: Self.blkioMount(at: blkio)) == .ioMax(hierarchy: v2WithIO))
        #expect(
            DemoDiskLimit.probe(v2Hierarchy: v2WithoutIO, mountinfo: Self.blkioMount(at: blkio)) == .blkioThrottle(hierarchy: blkio))
    }

    @Test("with neither, the probe says why in one line and the demo says it runs unthrottled")
    func neither() throws {
        let v2WithoutIO = try Self.hierarchy(["cgroup.controllers": "cpu memory\n"])
        let blkioWithoutThrottle = try Self.hierarchy([:])
        defer { for path in [v2WithoutIO, blkioWithoutThrottle] { try? FileManager.default.removeItem(atPath: path) } }
        let limit = DemoDiskLimit.probe(v2Hierarchy: v2WithoutIO, mountinfo: Self.blkioMount(at: blkioWithoutThrottle))
        #expect(
            limit
                == .unavailable(
                    reason: "the cgroup v2 hierarchy at \(v2WithoutIO) has no io controller and \(blkioWithoutThrottle) has no "
                        + "blkio.throttle.read_bps_device"))
        let line = limit.announcement(mebibytesPerSecond: 300, device: "/dev/loop7")
        #expect(!line.contains("\n") && line.hasSuffix("the demo runs unthrottled, at the host disk's speed"), "\(line)")
        #expect(
            DemoDiskLimit.probe(v2Hierarchy: nil, mountinfo: "")
                == .unavailable(reason: "no cgroup v2 hierarchy is mounted and no cgroup v1 blkio hierarchy is mounted"))
    }

    @Test("--disk-mibps takes 1 to 100000 MiB/s and names itself when refused")
    func bandwidthOption() throws {
        #expect(try DemoCommand.parse([]).diskMiBPerSecond == 300)
        #expect(try DemoCommand.parse(["--disk-mibps", "50"]).diskMiBPerSecond == 50)
        for value in ["0", "-5", "100001"] {
            #expect {
                try DemoCommand.parse(["--disk-mibps", value])
            } throws: { error in
                DemoCommand.message(for: error).contains("--disk-mibps must be from 1 to 100000 (MiB/s), got \(value)")
            }
        }
        #expect(throws: (any Error).self) { try DemoCommand.parse(["--disk-mibps", "fast"]) }
    }
}
