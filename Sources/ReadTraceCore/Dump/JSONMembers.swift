/// An object's members in a checked `JSONText`, in order, each as its name's bytes as written
/// (escapes left in) and where its value starts: what the dump's entries are read from without
/// a decoding container each (`JSONBytesDecodable`).
struct JSONMembers: Sequence, IteratorProtocol {
    private let text: JSONText
    /// Where the next member's name starts, or the closing brace.
    private var index: Int

    init(of text: JSONText, at start: Int) throws(JSONText.Refusal) {
        guard text.bytes[start] == UInt8(ascii: "{") else { throw JSONText.Refusal() }
        self.text = text
        index = text.skippingSpace(from: start + 1)
    }

    mutating func next() -> (name: UnsafeBufferPointer<UInt8>, value: Int)? {
        let bytes = text.bytes
        guard bytes[index] != UInt8(ascii: "}") else { return nil }
        let nameEnd = text.end(ofValueAt: index)
        let name = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<(nameEnd - 1)])
        let value = text.skippingSpace(from: text.skippingSpace(from: nameEnd) + 1)
        index = text.skippingSpace(from: text.end(ofValueAt: value))
        if bytes[index] == UInt8(ascii: ",") { index = text.skippingSpace(from: index + 1) }
        return (name, value)
    }
}
