/// Decodes a dump's types straight from its bytes (a `JSONText` checked once), where
/// Foundation's JSONDecoder took most of `report`'s time and several times the file's size in
/// memory. It only succeeds where JSONDecoder would, with the same values: anything it does not
/// read exactly as JSONDecoder does (a number with a fraction for a whole-number field, a name
/// given twice, a Float) is refused, and `DumpDocument.decode` falls back to JSONDecoder, which
/// also words every error. Meant for the dump's types: no Date, Data or URL strategies.
struct JSONBytesDecoder: Decoder {
    typealias Refusal = JSONText.Refusal

    let text: JSONText
    /// Where the value starts (no whitespace before it).
    let start: Int
    /// The container's path and the value's key in it, joined only when asked: most values are
    /// read without, and an array per value was a tenth of the time.
    let containerPath: [any CodingKey]
    let key: (any CodingKey)?
    var codingPath: [any CodingKey] { key.map { containerPath + [$0] } ?? containerPath }

    init(text: JSONText, start: Int, containerPath: [any CodingKey] = [], key: (any CodingKey)? = nil) {
        self.text = text
        self.start = start
        self.containerPath = containerPath
        self.key = key
    }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBufferPointer { buffer in
            let text = try JSONText(buffer)
            return try JSONBytesDecoder(text: text, start: text.root).decode(type)
        }
    }

    private var bytes: UnsafeBufferPointer<UInt8> { text.bytes }
    private var isNull: Bool { text.isNull(at: start) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard bytes[start] == UInt8(ascii: "{") else { throw Refusal() }
        return KeyedDecodingContainer(try Keyed<Key>(self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard bytes[start] == UInt8(ascii: "[") else { throw Refusal() }
        return Unkeyed(self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    /// A value of `type`: the primitives from the bytes, the dump's entries straight from them
    /// where they can be, anything else through its own init(from:).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is Bool.Type: return try text.bool(at: start) as! T
        case is String.Type: return try text.string(at: start) as! T
        case is Double.Type: return try text.double(at: start) as! T
        // JSONDecoder reads a Float its own way; no dump field is one.
        case is Float.Type: throw Refusal()
        case let integer as any FixedWidthInteger.Type: return try text.whole(integer, at: start) as! T
        case let entry as any JSONBytesDecodable.Type:
            guard let value = try? entry.init(bytesAt: start, in: text) else { return try T(from: self) }
            return value as! T
        default: return try T(from: self)
        }
    }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: JSONBytesDecoder
        /// Each member's name (its bytes in the text, or unescaped) and where its value starts.
        private var members: [(name: [UInt8]?, range: Range<Int>, value: Int)] = []
        let codingPath: [any CodingKey]

        init(_ decoder: JSONBytesDecoder) throws {
            self.decoder = decoder
            codingPath = decoder.codingPath
            let text = decoder.text
            members.reserveCapacity(32)
            var index = text.skippingSpace(from: decoder.start + 1)
            while text.bytes[index] != UInt8(ascii: "}") {
                let nameEnd = text.end(ofValueAt: index)
                let range = (index + 1)..<(nameEnd - 1)
                let raw = UnsafeBufferPointer(rebasing: text.bytes[range])
                let name = raw.contains(UInt8(ascii: "\\")) ? Array(try text.unescaped(raw, offset: range.lowerBound).utf8) : nil
                let value = text.skippingSpace(from: text.skippingSpace(from: nameEnd) + 1)
                // JSONDecoder decides what a name given twice means.
                guard members.count < 64 else { throw Refusal() }
                let new = (name, range, value)
                let taken = Self.bytes(of: new, in: text) { name in
                    members.contains { Self.bytes(of: $0, in: text) { Self.same($0, name) } }
                }
                guard !taken else { throw Refusal() }
                members.append(new)
                index = text.skippingSpace(from: text.end(ofValueAt: value))
                if text.bytes[index] == UInt8(ascii: ",") { index = text.skippingSpace(from: index + 1) }
            }
        }

        private static func bytes<R>(
            of member: (name: [UInt8]?, range: Range<Int>, value: Int), in text: JSONText, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
        ) rethrows -> R {
            guard let name = member.name else { return try body(UnsafeBufferPointer(rebasing: text.bytes[member.range])) }
            return try name.withUnsafeBufferPointer(body)
        }

        var allKeys: [Key] {
            members.compactMap { member in
                Self.bytes(of: member, in: decoder.text) { Key(stringValue: String(decoding: $0, as: UTF8.self)) }
            }
        }

        private func value(for key: Key) -> Int? {
            var wanted = key.stringValue
            return wanted.withUTF8 { wanted in
                members.first { member in Self.bytes(of: member, in: decoder.text) { Self.same($0, wanted) } }?.value
            }
        }

        /// Names compared by length first: most differ in it.
        private static func same(_ name: UnsafeBufferPointer<UInt8>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
            name.count == other.count && name.elementsEqual(other)
        }

        func contains(_ key: Key) -> Bool { value(for: key) != nil }

        func decoder(for key: Key) throws -> JSONBytesDecoder {
            guard let start = value(for: key) else { throw Refusal() }
            return JSONBytesDecoder(text: decoder.text, start: start, containerPath: codingPath, key: key)
        }

        func decodeNil(forKey key: Key) throws -> Bool { try decoder(for: key).isNull }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(for: key).decode(type) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(for: key).decode(type) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(for: key).decode(type) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(for: key).decode(type) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(for: key).decode(type) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(for: key).decode(type) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(for: key).decode(type) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(for: key).decode(type) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(for: key).decode(type) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(for: key).decode(type) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(for: key).decode(type) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(for: key).decode(type) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(for: key).decode(type) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(for: key).decode(type) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(for: key).decode(type) }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try decoder(for: key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try decoder(for: key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { try decoder(for: Key(stringValue: "super")!) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(for: key) }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: JSONBytesDecoder
        /// Where the next element starts, or the closing bracket.
        private var index: Int
        let codingPath: [any CodingKey]
        var count: Int? { nil }
        private(set) var currentIndex = 0
        var isAtEnd: Bool { decoder.bytes[index] == UInt8(ascii: "]") }

        init(_ decoder: JSONBytesDecoder) {
            self.decoder = decoder
            codingPath = decoder.codingPath
            index = decoder.text.skippingSpace(from: decoder.start + 1)
        }

        private mutating func next() throws -> JSONBytesDecoder {
            guard !isAtEnd else { throw Refusal() }
            let element = JSONBytesDecoder(
                text: decoder.text, start: index, containerPath: codingPath, key: JSONValueDecoder.Index(intValue: currentIndex))
            let text = decoder.text
            index = text.skippingSpace(from: text.end(ofValueAt: index))
            if text.bytes[index] == UInt8(ascii: ",") { index = text.skippingSpace(from: index + 1) }
            currentIndex += 1
            return element
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, decoder.bytes[index] == UInt8(ascii: "n") else { return false }
            _ = try next()
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decode(type) }
        mutating func decode(_ type: String.Type) throws -> String { try next().decode(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next().decode(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try next().decode(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next().decode(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decode(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decode(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decode(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decode(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decode(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decode(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decode(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decode(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decode(type) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    private struct Single: SingleValueDecodingContainer {
        let decoder: JSONBytesDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool { decoder.isNull }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
        func decode(_ type: Bool.Type) throws -> Bool { try decoder.decode(type) }
        func decode(_ type: String.Type) throws -> String { try decoder.decode(type) }
        func decode(_ type: Double.Type) throws -> Double { try decoder.decode(type) }
        func decode(_ type: Float.Type) throws -> Float { try decoder.decode(type) }
        func decode(_ type: Int.Type) throws -> Int { try decoder.decode(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decode(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decode(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decode(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decode(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try decoder.decode(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decode(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decode(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decode(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decode(type) }
    }
}
