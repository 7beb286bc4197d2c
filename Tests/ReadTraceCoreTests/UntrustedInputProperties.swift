import PropertyBased
import Testing

@testable import ReadTraceCore

/// Property-based runs over the parsers that take input readtrace does not control: dumps
/// anyone can hand to `report`, /proc/diskstats lines and cgroup paths any container can
/// name. Each runs a fixed number of cases (a few seconds in all); a crash it finds becomes a
/// regression test in DumpValidationTests or beside the parser's own tests.
@Suite("Untrusted input, property-based")
struct UntrustedInputProperties {
    /// A valid dump with every kind of field: processes, files, reads with timelines, a device
    /// with samples, and two loads of one file overlapping on that device (a storm).
    static let baseDump: [UInt8] = {
        var aggregate = DumpTests.aggregate()
        aggregate.record(.process(ProcessRecord(pid: 43, parentPid: 1, cgroupID: 7, comm: "trtserver")))
        for end in [200_000_000, 900_000_000] as [UInt64] {
            aggregate.record(
                .read(
                    ReadRecord(
                        pid: 43, threadID: 43, file: DumpTests.engine, endNanoseconds: DumpTests.start + end,
                        latencyNanoseconds: 1_000, result: 4096)))
        }
        var history = DeviceHistory(startNanoseconds: DumpTests.start)
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0", at: DumpTests.start))
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 10 0 80 5 0 0 0 0 0 5 5", at: DumpTests.start + 500_000_000))
        history.record(DiskStatsSnapshot(parsing: "7 0 loop0 20 0 160 9 0 0 0 0 0 900 900", at: DumpTests.start + 1_500_000_000))
        let dump = DumpDocument(
            aggregate: aggregate, metadata: DumpTests.metadata(), pathFilter: PathFilter([]),
            deviceHistory: history)
        return try! dump.encoded()
    }()

    /// Where numbers and strings stand in a JSON text (outside strings, for numbers).
    static func tokens(in text: [UInt8]) -> (numbers: [Range<Int>], strings: [Range<Int>]) {
        var numbers: [Range<Int>] = []
        var strings: [Range<Int>] = []
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\"") {
                var end = index + 1
                while text[end] != UInt8(ascii: "\"") { end += text[end] == UInt8(ascii: "\\") ? 2 : 1 }
                // A key is followed by a colon; only values are replaced.
                if text[end + 1] != UInt8(ascii: ":") { strings.append(index..<end + 1) }
                index = end + 1
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                var end = index + 1
                while end < text.count, "0123456789.eE+-".utf8.contains(text[end]) { end += 1 }
                numbers.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return (numbers, strings)
    }

    static let baseTokens = tokens(in: baseDump)

    /// Literals no run writes where a number stands: negative, huge, tiny, fractional, other types.
    static let hostileNumbers = [
        "-1", "0", "-0", "1e308", "-1e308", "1e30", "0.5", "1e-300", "4.9e-324", "18446744073709551615",
        "18446744073709551616", "9007199254740993", "2147483648", "-2147483649", "1e400",
        "\"1\"", "null", "[]", "{}", "true",
    ]
    static let hostileStrings = [
        #""\u001b]0;PWNED\u0007""#, #""a\nb""#, #""""#, #""light""#, #""sda 1""#, #""\ud800""#,
        #""\u0085\u009b2J""#, "0", "null", "[\"x\"]",
    ]

    enum Edit: Sendable, CustomStringConvertible {
        case number(index: Int, literal: String)
        case string(index: Int, literal: String)
        case truncate(at: Int)

        var description: String {
            switch self {
            case .number(let index, let literal): "number #\(index) := \(literal)"
            case .string(let index, let literal): "string #\(index) := \(literal)"
            case .truncate(let length): "cut at byte \(length)"
            }
        }

        /// Whether the edited text is still JSON by the grammar and within a double's range.
        var keepsJSON: Bool {
            switch self {
            case .number(_, let literal): literal != "1e400"
            case .string(_, let literal): literal != #""\ud800""#
            case .truncate: false
            }
        }
    }

    static func apply(_ edits: [Edit], to text: [UInt8]) -> [UInt8] {
        // Replace from the end so earlier ranges stay where they were.
        var replacements: [(Range<Int>, [UInt8])] = []
        var cut = text.count
        for edit in edits {
            switch edit {
            case .number(let index, let literal): replacements.append((baseTokens.numbers[index], Array(literal.utf8)))
            case .string(let index, let literal): replacements.append((baseTokens.strings[index], Array(literal.utf8)))
            case .truncate(let length): cut = min(cut, length)
            }
        }
        var result = text
        var seen = Set<Int>()
        for (range, bytes) in replacements.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) where seen.insert(range.lowerBound).inserted {
            result.replaceSubrange(range, with: bytes)
        }
        return cut < text.count ? Array(result.prefix(cut)) : result
    }

    static let edit = Gen.oneOf(
        zip(Gen.int(in: 0..<baseTokens.numbers.count), Gen.element(of: hostileNumbers)).map { Edit.number(index: $0, literal: $1!) }
            .eraseToAnySequence(),
        zip(Gen.int(in: 0..<baseTokens.strings.count), Gen.element(of: hostileStrings)).map { Edit.string(index: $0, literal: $1!) }
            .eraseToAnySequence(),
        Gen.int(in: 0..<baseDump.count).map { Edit.truncate(at: $0) }.eraseToAnySequence())

    @Test("the dump reader refuses or accepts any edit of a valid dump, and what it accepts draws without a crash")
    func dumpReader() async {
        let base = try? DumpDocument.decode(Self.baseDump)
        #expect(base.map { !StormSummary.storms(in: $0, rule: LoadRule()).isEmpty } == true, "the base dump has a storm to draw")
        await propertyCheck(count: 400, input: Self.edit.array(of: 1...3), Gen.int(in: 60...400)) { edits, width in
            let text = Self.apply(edits, to: Self.baseDump)
            do {
                let dump = try DumpDocument.decode(text)
                _ = DumpReport(width: width).render(dump)
            } catch let error as DumpDocument.DecodingFailure {
                #expect(!error.problems.isEmpty)
                for problem in error.problems {
                    #expect(!problem.isEmpty && !problem.contains("\n"), "\(edits): \(problem)")
                    if edits.allSatisfy(\.keepsJSON) {
                        #expect(!problem.contains(DumpDocument.unparsable), "valid JSON called invalid after \(edits): \(problem)")
                    }
                }
            } catch {
                Issue.record("not a decoding failure: \(error)")
            }
        }
    }

    static let diskstatsField = Gen.element(of: [
        "0", "1", "7", "8", "259", "4095", "4096", "1048575", "1048576", "loop0", "sda",
        "18446744073709551615", "18446744073709551616", "4294967295", "4294967296",
        "-1", "1e3", "", "x\u{1b}", "\u{85}", "ｆ",
    ]).map { $0! }
    static let counter = Gen.element(of: [
        "0", "1", "512", "4294967295", "4294967296", "9223372036854775807",
        "18446744073709551615", "18446744073709551616", "-1",
    ]).map { $0! }
    /// Lines shaped like the kernel's (every layout, counters at their limits) and lines of anything.
    static let diskstatsLine = Gen.oneOf(
        zip(
            Gen.element(of: ["8 0 sda", "7 0 loop0", "4095 1048575 big", "4096 0 x", "8 1 sda"]), Gen.element(of: [4, 11, 15, 17, 12]),
            counter.array(of: 17)
        ).map { head, count, counters in ([head!] + counters.prefix(count!)).joined(separator: " ") }
            .eraseToAnySequence(),
        diskstatsField.array(of: 0...22).map { $0.joined(separator: " ") }.eraseToAnySequence())
    static let diskstats = diskstatsLine.array(of: 1...6).map { $0.joined(separator: "\n") }

    @Test("the diskstats parser takes any text: every line is an entry or skipped, and rates between any two readings are finite")
    func diskstatsParser() async {
        await propertyCheck(count: 1500, input: Self.diskstats, Self.diskstats) { first, second in
            let earlier = DiskStatsSnapshot(parsing: first, at: 1_000_000_000)
            let later = DiskStatsSnapshot(parsing: second, at: 2_000_000_000)
            for (text, snapshot) in [(first, earlier), (second, later)] {
                let lines = text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.count
                #expect(snapshot.entries.count + snapshot.skippedLines == lines, "\(text.debugDescription)")
                #expect(snapshot.entries.allSatisfy { !$0.name.isEmpty })
            }
            for before in earlier.entries {
                for after in later.entries where after.name == before.name {
                    let rates = DiskRates(from: before.counters, to: after.counters, seconds: 1)
                    let values = [
                        rates.readIOsPerSecond, rates.readMiBPerSecond, rates.readAwaitMilliseconds, rates.writeIOsPerSecond,
                        rates.writeMiBPerSecond, rates.writeAwaitMilliseconds, rates.queueDepth, rates.utilizationPercent,
                    ]
                    #expect(values.allSatisfy { $0.isFinite && $0 >= 0 }, "\(first.debugDescription) → \(second.debugDescription)")
                }
            }
        }
    }

    static let hex64 = String(repeating: "0123456789abcdef", count: 4)
    static let cgroupComponent = Gen.element(of: [
        "kubepods.slice", "kubepods-burstable.slice", "kubepods-burstable-pod0b9f3c2e_6d1a_4f5d_9c1e_2b3a4f5d6e7f.slice",
        "kubepods-pod.slice", "kubepods--pod.slice", "kubepods-burstable-podzz.slice", "pod", "pod0b9f3c2e-6d1a-4f5d-9c1e-2b3a4f5d6e7f",
        "pod-", "pod_", "cri-containerd-\(hex64).scope", "crio-\(hex64).scope", "docker-\(hex64).scope", "docker-.scope",
        "cri-containerd-.scope", ".scope", ".slice", "docker", hex64, String(hex64.dropFirst()), hex64.uppercased(), "", ".", "..",
        "\u{1b}]0;x\u{7}", "ｐｏｄ", String(repeating: "a", count: 300), "pod" + String(repeating: "0", count: 40),
    ]).map { $0! }
    static let cgroupPath = cgroupComponent.array(of: 0...8).map { "/" + $0.joined(separator: "/") }
    static let prefix = Gen.element(of: ["", "0", "0b9f", "0B9F3C2E-6D1A", "0b9f3c2e_6d1a", hex64, "zz", "-", "_"]).map { $0! }

    @Test("the cgroup-path parser takes any path: a pod uid is 32 or more hex digits with dashes, a container id 64 hex digits")
    func cgroupPathParser() async {
        let prefixes = Self.prefix.array(of: 0...3)
        await propertyCheck(count: 1500, input: Self.cgroupPath, prefixes, prefixes) { path, pods, containers in
            let identity = ContainerIdentity(cgroupPath: path)
            if let uid = identity.podUID {
                #expect(uid.count >= 32 && uid.allSatisfy { $0.isHexDigit && !$0.isUppercase || $0 == "-" }, "\(path)")
            }
            if let id = identity.containerID {
                #expect(id.count == 64 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(path)")
            }
            #expect(identity.runtime == nil || identity.containerID != nil)
            _ = identity.matches(podPrefixes: pods, containerPrefixes: containers)
        }
    }
}
