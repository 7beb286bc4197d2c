import Glibc
import Testing

@testable import ReadTraceCore

/// Crafted dumps, each with one thing no run writes: `report` must name the field and refuse,
/// never crash nor draw nonsense. The first two crashed it with SIGILL before these checks.
@Suite("Checking a dump before drawing it")
struct DumpValidationTests {
    static let valid = String(decoding: UntrustedInputProperties.baseDump, as: UTF8.self)

    /// The valid dump with the first occurrence of `original` replaced.
    static func crafted(_ original: String, _ replacement: String) throws -> [UInt8] {
        let range = try #require(valid.range(of: original), "the base dump has \(original)")
        return Array(valid.replacingCharacters(in: range, with: replacement).utf8)
    }

    static func problems(_ original: String, _ replacement: String) throws -> [String] {
        let text = try crafted(original, replacement)
        do {
            let dump = try DumpDocument.decode(text)
            Issue.record("accepted: \(original) → \(replacement)")
            _ = DumpReport(width: 120).render(dump)
            return []
        } catch {
            return error.problems
        }
    }

    @Test(
        "each crafted value is refused with one line naming its field",
        arguments: [
            (#""bucket_s":0.1"#, #""bucket_s":0"#, "reads[0].timeline.bucket_s: 0.0 is not a bucket width"),
            (#""duration_s":2.5"#, #""duration_s":1e308"#, "duration_s: 1e+308 is not 0 or a time"),
            (#""duration_s":2.5"#, #""duration_s":0.0000001"#, "duration_s: 1e-07 is not 0 or a time"),
            (
                #""pid":42,"prefetch_bytes":0,"read_bytes":8192,"#, #""pid":42,"prefetch_bytes":0,"read_bytes":-1,"#,
                "reads[0].read_bytes: -1 is not a whole number from 0 to 18446744073709551615"
            ),
            (
                #""pid":42,"prefetch_bytes":0,"read_bytes":8192,"#, #""pid":42,"prefetch_bytes":0,"read_bytes":1e30,"#,
                "reads[0].read_bytes: 1e+30 is not a whole number from 0 to 18446744073709551615"
            ),
            (
                #""pid":42,"prefetch_bytes":0,"read_bytes":8192,"#, #""pid":42,"prefetch_bytes":0,"read_bytes":"8192","#,
                "reads[0].read_bytes: expected a whole number from 0 to 18446744073709551615, found a string"
            ),
            (
                #""pid":42,"prefetch_bytes":0,"read_bytes":8192,"#, #""pid":42,"prefetch_bytes":0,"read_bytes":null,"#,
                "reads[0].read_bytes: expected a value, found null"
            ),
            (#""file_id":1,"first_read_s""#, #""file_id":999,"first_read_s""#, "reads[0].file_id: 999 refers to no file"),
            (
                #""pid":42,"prefetch_bytes":0,"read_bytes""#, #""pid":4242,"prefetch_bytes":0,"read_bytes""#,
                "reads[0].pid: 4242 refers to no process"
            ),
            (#""first_read_s":0.149998"#, #""first_read_s":5"#, "reads[0].last_read_s: 1.27 is before first_read_s (5.0)"),
            (
                #""block_latency_us":{"max":0,"p50":0,"#, #""block_latency_us":{"max":0,"p50":-3,"#,
                "reads[0].block_latency_us.p50: -3.0 is not a number from 0"
            ),
            (#""in_read_fraction":0"#, #""in_read_fraction":2"#, "reads[0].in_read_fraction: 2.0 is not a number from 0 to 1.0"),
            (#""loaded_share":1"#, #""loaded_share":0"#, "loaded_share: 0.0 is not a share above 0 and at most 1"),
            (#""hook":"tracepoint""#, #""hook":"\u001b]0;x\u0007""#, "hook: not one of fentry, kprobe, tracepoint, light, found a string"),
            (#""name":"loop0""#, #""name":"loop0\nsda""#, "devices[0].name: not a device name"),
            (#""fs_type":null"#, #""fs_type":"ext4\u001b[2J""#, "files[0].fs_type: not a filesystem type"),
            (
                #""cached_at_start_bytes":null"#, #""cached_at_start_bytes":8193"#,
                "files[0].cached_at_start_bytes: 8193 is more than the file's size (8192)"
            ),
            (
                #""container_runtime":null,"parent_pid":1"#, #""container_runtime":null,"fuse_serves":["0:44","x"],"parent_pid":1"#,
                "processes[0].fuse_serves[1]: not a device number"
            ),
            (#""t_s":1.5"#, #""t_s":0.1"#, "devices[0].samples[1].t_s: 0.1 is before the sample before it (0.5)"),
            (#""util_pct":89.5"#, #""util_pct":1e300"#, "devices[0].samples[1].util_pct: 1e+300 is not a number from 0"),
            (#""schema_version":1"#, #""schema_version":2"#, "dump has schema version 2"),
        ])
    func craftedValues(original: String, replacement: String, message: String) throws {
        let problems = try Self.problems(original, replacement)
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.hasPrefix(message) == true, "\(problems)")
    }

    @Test("every problem gets its own line; the buckets of a timeline cannot add up to more than the entry read")
    func severalProblems() throws {
        var text = Self.valid
        for (original, replacement) in [
            (#""bucket_s":0.1"#, #""bucket_s":0"#), (#""duration_s":2.5"#, #""duration_s":-1"#),
            (#""read_bytes":[0,4096"#, #""read_bytes":[9999999,4096"#),
        ] {
            text = text.replacingOccurrences(of: original, with: replacement)
        }
        #expect {
            try DumpDocument.decode(Array(text.utf8))
        } throws: { error in
            let problems = (error as? DumpDocument.DecodingFailure)?.problems ?? []
            return problems.contains { $0.hasPrefix("duration_s: -1.0") }
                && problems.contains { $0.hasPrefix("reads[0].timeline.bucket_s") }
                && problems.contains { $0.hasPrefix("reads[0].timeline.read_bytes: its buckets add up to more") }
        }
    }

    @Test(
        "valid JSON that is no dump, and text that is not JSON, are told apart",
        arguments: [
            ("[1, 2]", "not a readtrace dump (no schema_version in a JSON object)"),
            (#"{"schema_version": 1}"#, "host: missing"),
            (#"{"schema_version": 1, "host": -1}"#, "host: expected an object, found -1"),
            ("{", DumpDocument.unparsable), ("", DumpDocument.unparsable),
        ])
    func notDumps(text: String, message: String) {
        #expect {
            try DumpDocument.decode(Array(text.utf8))
        } throws: { error in
            (error as? DumpDocument.DecodingFailure)?.problems == [message]
        }
    }

    @Test("a dump file is read within a stated limit: /dev/zero and a huge file are refused at once")
    func sizeLimit() throws {
        let start = Clock.monotonicNanoseconds()
        #expect(throws: DumpDocument.DecodingFailure("not a readtrace dump (it does not start with a JSON object)")) {
            try DumpFile.read("/dev/zero")
        }
        let huge = "/tmp/readtrace-huge-dump-\(getpid()).json"
        let descriptor = open(huge, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        try #require(descriptor >= 0 && ftruncate(descriptor, off_t(DumpFile.maximumBytes + 1)) == 0)
        close(descriptor)
        defer { unlink(huge) }
        #expect(throws: DumpDocument.DecodingFailure("\(DumpFile.maximumBytes + 1) bytes is more than a dump may have (256 MiB)")) {
            try DumpFile.read(huge)
        }
        #expect(Clock.monotonicNanoseconds() - start < 1_000_000_000, "refused without reading it all")
        #expect(throws: DumpDocument.DecodingFailure("is a directory")) { try DumpFile.read("/tmp") }
    }
}

extension DumpValidationTests {
    /// Found by crafting after the property runs: the storm summary's rates are quotients of
    /// times the checks allow, and its formatter trapped on 1e297.
    @Test("a load that took 1e-300 s draws with the storm summary, no crash")
    func tinySpans() throws {
        var text = Self.valid
        text = text.replacingOccurrences(
            of: #""first_read_s":0.199999,"in_read_fraction":0,"last_read_s":0.9"#,
            with: #""first_read_s":1e-300,"in_read_fraction":0,"last_read_s":2e-300"#)
        text = text.replacingOccurrences(of: #""load_s":0.700001"#, with: #""load_s":1e-300"#)
        text = text.replacingOccurrences(of: #""first_read_s":0.149998"#, with: #""first_read_s":0"#)
        let dump = try DumpDocument.decode(Array(text.utf8))
        #expect(dump.reads.contains { $0.firstReadSeconds == 1e-300 })
        let report = DumpReport(width: 120).render(dump)
        #expect(report.contains("loads overlapped"))
    }
}

extension DumpValidationTests {
    /// The checks bound bytes (2^53) and bucket widths (1 ms): the timeline's busiest rate stays within UInt64.
    @Test("8 PiB read in a millisecond draws, no crash")
    func hugeRates() throws {
        var text = Self.valid
        for (original, replacement) in [
            (#""duration_s":2.5"#, #""duration_s":0.001"#),
            (#""pid":42,"prefetch_bytes":0,"read_bytes":8192,"#, #""pid":42,"prefetch_bytes":0,"read_bytes":9007199254740992,"#),
            (
                #""bucket_s":0.1,"read_bytes":[0,4096,0,0,0,0,0,0,0,0,0,0,4096,0,0,0,0,0,0,0,0,0,0,0,0]"#,
                #""bucket_s":0.001,"read_bytes":[9007199254740992]"#
            ),
        ] {
            text = text.replacingOccurrences(of: original, with: replacement)
        }
        text = text.replacingOccurrences(of: #""last_read_s":1.27"#, with: #""last_read_s":0.001"#)
            .replacingOccurrences(of: #""first_read_s":0.149998"#, with: #""first_read_s":0"#)
            .replacingOccurrences(of: #""load_s":1.100003"#, with: #""load_s":0.001"#)
            .replacingOccurrences(of: #""last_read_s":0.9"#, with: #""last_read_s":0.001"#)
            .replacingOccurrences(of: #""first_read_s":0.199999"#, with: #""first_read_s":0"#)
            .replacingOccurrences(of: #""load_s":0.700001"#, with: #""load_s":0.001"#)
            .replacingOccurrences(of: #""t_s":1.5"#, with: #""t_s":0.001"#)
            .replacingOccurrences(of: #""t_s":0.5"#, with: #""t_s":0.0005"#)
        let dump = try DumpDocument.decode(Array(text.utf8))
        #expect(dump.reads.contains { $0.readBytes == 1 << 53 })
        let report = DumpReport(width: 60).render(dump)
        #expect(report.contains("Load timeline"))
    }
}
