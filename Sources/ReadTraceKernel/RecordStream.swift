/// The framing of `--record-stream`: each ring-buffer record as the kernel wrote it, after its
/// length as 4 little-endian bytes. Such a stream replays through `RecordDecoder` without root.
public enum RecordStream {
    public static func frame(_ record: UnsafeRawBufferPointer) -> [UInt8] {
        withUnsafeBytes(of: UInt32(record.count).littleEndian, Array.init) + Array(record)
    }

    /// The records of a stream, each in storage of its own (aligned as the ring buffer aligns
    /// them); nil when the stream ends inside a record.
    public static func records(in stream: [UInt8]) -> [[UInt8]]? {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            guard stream.count - offset >= 4 else { return nil }
            let length = stream[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard stream.count - offset >= length else { return nil }
            records.append(Array(stream[offset..<offset + length]))
            offset += length
        }
        return records
    }
}
