/// The member names of a type's `CodingKeys`, as bytes: an object's members told apart without a
/// String made of each name (`JSONBytesDecodable`).
struct JSONMemberNames<Key: CodingKey & CaseIterable> {
    /// Sorted by name, as readtrace writes the members: the one after the last found is tried first.
    private let names: [(bytes: [UInt8], key: Key)]

    init() {
        names = Key.allCases.map { (Array($0.stringValue.utf8), $0) }.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        precondition(names.count <= 64, "a key per bit of `seen`")
    }

    /// Calls `body` with the key and the value's start of each member of the object at `start`.
    /// Refuses a name that is no key (JSONDecoder skips it; an escaped one matches none) or is
    /// given twice (JSONDecoder decides which counts).
    func forEachMember(
        in text: JSONText, at start: Int, _ body: (Key, Int) throws(JSONText.Refusal) -> Void
    ) throws(JSONText.Refusal) {
        var seen: UInt64 = 0
        var next = 0
        for (name, value) in try JSONMembers(of: text, at: start) {
            guard let index = place(of: name, from: next), seen & (1 << index) == 0 else { throw JSONText.Refusal() }
            seen |= 1 << index
            next = index + 1
            try body(names[index].key, value)
        }
    }

    private func place(of name: UnsafeBufferPointer<UInt8>, from first: Int) -> Int? {
        for offset in 0..<names.count {
            let index = (first + offset) % names.count
            if names[index].bytes.count == name.count, names[index].bytes.elementsEqual(name) { return index }
        }
        return nil
    }
}
