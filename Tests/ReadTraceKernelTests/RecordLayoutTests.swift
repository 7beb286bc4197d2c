import CBPF
import Foundation
import ReadTraceKernel
import Testing

/// The records as Swift imports them from `bpf/readtrace.h` have the sizes and offsets that the
/// header pins with `_Static_assert` for the BPF and C compilers, so all three read the same bytes.
@Suite("Records shared with the BPF programs have one layout on both sides")
struct RecordLayoutTests {
    @Test("every record Swift decodes has the size the C side asserts")
    func recordSizes() {
        #expect(MemoryLayout<rt_read_event>.size == Int(RT_READ_EVENT_SIZE))
        #expect(MemoryLayout<rt_file_event>.size == Int(RT_FILE_EVENT_SIZE))
        #expect(MemoryLayout<rt_process_event>.size == Int(RT_PROCESS_EVENT_SIZE))
        #expect(MemoryLayout<rt_block_event>.size == Int(RT_BLOCK_EVENT_SIZE))
        #expect(MemoryLayout<rt_fault_event>.size == Int(RT_FAULT_EVENT_SIZE))
        #expect(MemoryLayout<rt_cgroup_event>.size == Int(RT_CGROUP_EVENT_SIZE))
        #expect(MemoryLayout<rt_fuse_daemon_event>.size == Int(RT_FUSE_DAEMON_EVENT_SIZE))
        #expect(MemoryLayout<rt_mark_event>.size == Int(RT_MARK_EVENT_SIZE))
        #expect(MemoryLayout<rt_exec_event>.size == Int(RT_EXEC_EVENT_SIZE))
        #expect(MemoryLayout<rt_device_reads>.size == Int(RT_DEVICE_READS_SIZE))
        #expect(MemoryLayout<rt_counters>.size == Int(RT_COUNTERS_SIZE))
        #expect(MemoryLayout<rt_process_reads>.size == Int(RT_PROCESS_READS_SIZE))
    }

    @Test("the decoder finds paths and command lines where the C side puts them")
    func variablePartOffsets() {
        #expect(CBPF_file_event_path_offset() == Int(RT_FILE_EVENT_PATH_OFFSET))
        #expect(CBPF_process_event_cmdline_offset() == Int(RT_PROCESS_EVENT_CMDLINE_OFFSET))
        #expect(CBPF_cgroup_event_path_offset() == Int(RT_CGROUP_EVENT_PATH_OFFSET))
        // The fields right before them, as Swift sees them, end where the variable parts start.
        #expect(MemoryLayout<rt_file_event>.offset(of: \.fs_subtype)! + Int(RT_FS_TYPE_LEN) == Int(RT_FILE_EVENT_PATH_OFFSET))
        #expect(MemoryLayout<rt_process_event>.offset(of: \.comm)! + Int(RT_COMM_LEN) == Int(RT_PROCESS_EVENT_CMDLINE_OFFSET))
        #expect(MemoryLayout<rt_cgroup_event>.offset(of: \.id)! + 8 == Int(RT_CGROUP_EVENT_PATH_OFFSET))
    }

    /// The golden test's stream was recorded from the kernel: its fixed-size records must have
    /// the sizes asserted today, or the format changed under it.
    @Test("the recorded stream's records have the asserted sizes")
    func recordedSizes() throws {
        let stream = try Array(Data(contentsOf: GoldenDumpTests.fixtures.appendingPathComponent("recorded-run.stream")))
        let records = try #require(RecordStream.records(in: stream))
        let expected: [UInt32: Int] = [
            UInt32(RT_EVENT_READ.rawValue): Int(RT_READ_EVENT_SIZE),
            UInt32(RT_EVENT_PROCESS.rawValue): Int(RT_PROCESS_EVENT_SIZE),
            UInt32(RT_EVENT_BLOCK.rawValue): Int(RT_BLOCK_EVENT_SIZE),
            UInt32(RT_EVENT_FAULT_FILL.rawValue): Int(RT_FAULT_EVENT_SIZE),
            UInt32(RT_EVENT_CGROUP.rawValue): Int(RT_CGROUP_EVENT_SIZE),
            UInt32(RT_EVENT_FUSE_DAEMON.rawValue): Int(RT_FUSE_DAEMON_EVENT_SIZE),
        ]
        var seen: Set<UInt32> = []
        for record in records {
            let kind = record.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            seen.insert(kind)
            if kind == UInt32(RT_EVENT_FILE.rawValue) {
                // Sent only as far as the path reaches.
                #expect((Int(RT_FILE_EVENT_PATH_OFFSET)...Int(RT_FILE_EVENT_SIZE)).contains(record.count))
            } else {
                #expect(record.count == expected[kind], "record of kind \(kind)")
            }
        }
        #expect(seen.isSuperset(of: [RT_EVENT_READ, RT_EVENT_FILE, RT_EVENT_PROCESS, RT_EVENT_BLOCK].map { UInt32($0.rawValue) }))
    }
}
