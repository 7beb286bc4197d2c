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
    private var isNull: Bool { bytes[start] == UInt8(ascii: "n") }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard bytes[start] == UInt8(ascii: "{") else { throw Refusal() }
        return KeyedDecodingContainer(try Keyed<Key>(self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard bytes[start] == UInt8(ascii: "[") else { throw Refusal() }
        return Unkeyed(self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    /// A value of `type`: the primitives from the bytes, anything else through its own init(from:).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is Bool.Type:
            switch bytes[start] {
            case UInt8(ascii: "t"): return true as! T
            case UInt8(ascii: "f"): return false as! T
            default: throw Refusal()
            }
        case is String.Type: return try string() as! T
        case is Double.Type: return try double() as! T
        // JSONDecoder reads a Float its own way; no dump field is one.
        case is Float.Type: throw Refusal()
        // Timelines: thousands of counts per entry, read without a decoder each.
        case is [UInt64].Type: return try wholeNumbers() as [UInt64] as! T
        case let integer as any FixedWidthInteger.Type: return try whole(integer, at: start) as! T
        default: return try T(from: self)
        }
    }

    private func wholeNumbers<I: FixedWidthInteger>() throws -> [I] {
        guard bytes[start] == UInt8(ascii: "[") else { throw Refusal() }
        var numbers: [I] = []
        var index = text.skippingSpace(from: start + 1)
        while bytes[index] != UInt8(ascii: "]") {
            numbers.append(try whole(I.self, at: index))
            index = text.skippingSpace(from: text.end(ofValueAt: index))
            if bytes[index] == UInt8(ascii: ",") { index = text.skippingSpace(from: index + 1) }
        }
        return numbers
    }

    /// An integer written without fraction or exponent that fits `I` (JSONDecoder decides the rest).
    private func whole<I: FixedWidthInteger>(_ type: I.Type, at start: Int) throws -> I {
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var value: I = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let digit = I(truncatingIfNeeded: bytes[index] - UInt8(ascii: "0"))
            let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAgain) = negative ? tens.subtractingReportingOverflow(digit) : tens.addingReportingOverflow(digit)
            guard !overflow, !overflowAgain else { throw Refusal() }
            value = next
            index += 1
        }
        guard index > start + (negative ? 1 : 0), !(negative && value == 0),
            index == bytes.count || !".eE".utf8.contains(bytes[index])
        else { throw Refusal() }
        return value
    }

    /// Correctly rounded, as JSONDecoder (strtod) reads it: exactly from the digits when they
    /// and the power of ten fit a double (Clinger's fast path), else through Double(String).
    private func double() throws -> Double {
        let end = text.end(ofValueAt: start)
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { throw Refusal() }
        var significand: UInt64 = 0
        var digits = 0
        var exponent = 0
        var inFraction = false
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                break
            } else {
                if significand != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                if digits > 19 { return try slowDouble(end) }
                significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
                if inFraction { exponent -= 1 }
            }
            index += 1
        }
        if index < end {
            index += 1
            var exponentSign = 1
            if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentSign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
            }
            var written = 0
            while index < end {
                written = written * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                if written > 400 { return try slowDouble(end) }
                index += 1
            }
            exponent += exponentSign * written
        }
        guard significand < 1 << 53, (-22...22).contains(exponent) else { return try slowDouble(end) }
        let magnitude = exponent < 0 ? Double(significand) / Self.powersOfTen[-exponent] : Double(significand) * Self.powersOfTen[exponent]
        return negative ? -magnitude : magnitude
    }

    /// 1e0 to 1e22: each exactly a double.
    private static let powersOfTen: [Double] = {
        var powers: [Double] = [1]
        for _ in 1...22 { powers.append(powers.last! * 10) }
        return powers
    }()

    private func slowDouble(_ end: Int) throws -> Double {
        guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)), value.isFinite
        else { throw Refusal() }
        return value
    }

    private func string() throws -> String {
        guard bytes[start] == UInt8(ascii: "\"") else { throw Refusal() }
        let end = text.end(ofValueAt: start) - 1
        let content = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<end])
        // JSONText checked the UTF-8 and the escapes.
        guard content.contains(UInt8(ascii: "\\")) else { return String(decoding: content, as: UTF8.self) }
        return try Self.unescaped(content, text: text, offset: start + 1)
    }

    /// A string's content with its escapes replaced (a \u surrogate pair as its one character).
    static func unescaped(_ content: UnsafeBufferPointer<UInt8>, text: JSONText, offset: Int) throws -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var index = 0
        func flush() {
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        while index < content.count {
            guard content[index] == UInt8(ascii: "\\") else {
                utf8.append(content[index])
                index += 1
                continue
            }
            let escape = content[index + 1]
            index += 2
            let replacement: UInt8
            switch escape {
            case UInt8(ascii: "b"): replacement = 0x08
            case UInt8(ascii: "f"): replacement = 0x0C
            case UInt8(ascii: "n"): replacement = 0x0A
            case UInt8(ascii: "r"): replacement = 0x0D
            case UInt8(ascii: "t"): replacement = 0x09
            case UInt8(ascii: "u"):
                var value = UInt32(try text.hex(at: offset + index))
                index += 4
                if (0xD800...0xDBFF).contains(value) {
                    let low = UInt32(try text.hex(at: offset + index + 2))
                    index += 6
                    value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { throw Refusal() }
                flush()
                scalars.append(scalar)
                continue
            default: replacement = escape  // " \ /
            }
            utf8.append(replacement)
        }
        flush()
        return String(scalars)
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
                let name = raw.contains(UInt8(ascii: "\\")) ? Array(try unescaped(raw, text: text, offset: range.lowerBound).utf8) : nil
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
