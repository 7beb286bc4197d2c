import Glibc
import Testing

@testable import ReadTraceCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `readtrace baseline`: histories, the MAD rule, the store on disk.
@Suite struct BaselineTests {
    static func load(_ seconds: Double, at startedAt: String = "2026-12-01T10:00:00.000Z", host: String = "n") -> BaselineHistory.Load {
        var dump = StormFixture.dump([StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 1)], utilization: [100])
        dump.startedAt = startedAt
        dump.host.hostname = host
        var profile = FileProfile.profiles(of: dump, rule: LoadRule(), key: FileKey())[0]
        profile.loadSeconds = seconds
        return BaselineHistory.Load(profile, of: dump)
    }

    static func history(_ times: [Double]) -> BaselineHistory {
        BaselineHistory(key: "/models/1.engine", loads: times.enumerated().map { load($1, host: "n\($0)") })
    }

    static func profile(_ seconds: Double) -> FileProfile {
        var profile = FileProfile.profiles(
            of: StormFixture.dump([StormFixture.Load(pid: 1, inode: 1, begin: 0, seconds: 1)], utilization: [100]), rule: LoadRule(),
            key: FileKey())[0]
        profile.loadSeconds = seconds
        return profile
    }

    @Test("a load more than k median absolute deviations from its history is flagged, slower or faster; one within is not")
    func madRule() {
        let history = Self.history([1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 5.0])
        // median 1.0, MAD 0.05: one outlier in the history moves neither.
        let departure = history.departure(of: 1.3)
        #expect(abs(departure.median - 1.0) < 1e-9)
        #expect(abs(departure.deviation - 0.05) < 1e-9)
        #expect(abs(departure.deviations - 6) < 1e-6)
        let histories = ["/models/1.engine": history]
        for (seconds, flagged) in [(1.3, true), (1.1, false), (0.8, true), (1.0, false)] {
            let check = BaselineCheck(profiles: [Self.profile(seconds)], histories: histories, deviations: 3, minimumHistory: 5)
            #expect(check.flagged.isEmpty != flagged, "\(seconds) s")
        }
        // A history of equal loads has no deviation: 1% of the median stands in for it.
        #expect(abs(Self.history([2, 2, 2, 2, 2]).departure(of: 2.1).deviations - 5) < 1e-9)
        // Too short a history is not judged.
        let short = BaselineCheck(profiles: [Self.profile(9)], histories: histories, deviations: 3, minimumHistory: 8)
        #expect(short.flagged.isEmpty && short.findings[0].departure == nil)
    }

    @Test("a history keeps its last N loads, and a dump already recorded is not recorded again")
    func keepLast() {
        var history = BaselineHistory(key: "k")
        for second in 0..<5 {
            let recorded = history.record(Self.load(Double(second), at: "2026-12-01T10:00:0\(second).000Z"), keep: 3)
            #expect(recorded)
        }
        #expect(history.loads.map(\.loadSeconds) == [2, 3, 4])
        let again = history.record(Self.load(9, at: "2026-12-01T10:00:04.000Z"), keep: 3)
        #expect(!again)
        let otherHost = history.record(Self.load(9, at: "2026-12-01T10:00:04.000Z", host: "other"), keep: 3)
        #expect(otherHost)
    }

    @Test("the store keeps a history per key across opens; a corrupt or foreign file is refused naming it")
    func store() throws {
        let directory = "/tmp/readtrace-baseline-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: BaselineStore.Failure.self) { try BaselineStore(directory: directory, create: false) }
        let store = try BaselineStore(directory: directory, create: true)
        let history = Self.history([1, 2, 3])
        try store.save(history)
        #expect(try BaselineStore(directory: directory, create: false).history(of: history.key) == history)
        #expect(try store.history(of: "/other") == nil)
        try Data("{\"key\":".utf8).write(to: URL(fileURLWithPath: store.path(of: "/bad")))
        let failure = #expect(throws: BaselineStore.Failure.self) { try store.history(of: "/bad") }
        #expect(failure?.description.hasPrefix(store.path(of: "/bad")) == true)
        var foreign = history
        foreign.key = "/else"
        try Data(DumpDocument.encoder().encode(foreign)).write(to: URL(fileURLWithPath: store.path(of: "/bad")))
        #expect(throws: BaselineStore.Failure.self) { try store.history(of: "/bad") }
        let file = "/tmp/readtrace-baseline-test-file-\(getpid())"
        FileManager.default.createFile(atPath: file, contents: Data())
        defer { unlink(file) }
        #expect(throws: BaselineStore.Failure.self) { try BaselineStore(directory: file, create: true) }
    }

    @Test("concurrent updates under the store's lock lose no load")
    func concurrentUpdates() async throws {
        let directory = "/tmp/readtrace-baseline-lock-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try BaselineStore(directory: directory, create: true)
        let writers = 6
        let updates = 10
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for update in 0..<updates {
                        try? store.locked(exclusive: true) {
                            var history = try store.history(of: "k") ?? BaselineHistory(key: "k")
                            _ = history.record(Self.load(Double(update), host: "w\(writer)-\(update)"), keep: 1000)
                            usleep(200)
                            try store.save(history)
                        }
                    }
                }
            }
        }
        #expect(try store.history(of: "k")?.loads.count == writers * updates)
    }

    @Test("the check's text escapes hostile paths and fits 80 columns")
    func text() {
        var profile = Self.profile(3)
        profile.path = "/m/\u{1B}]0;owned\u{7}.engine"
        let check = BaselineCheck(
            profiles: [profile], histories: [profile.key: Self.history([1, 1, 1, 1, 1])], deviations: 3, minimumHistory: 5)
        let text = BaselineReport(width: 80).render(check, store: "/var/lib/readtrace/baselines")
        #expect(!text.contains("\u{1B}") && !text.contains("\u{7}"))
        #expect(text.contains("SLOWER"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(text)")
    }
}
