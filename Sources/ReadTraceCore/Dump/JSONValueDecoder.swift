/// Decodes a `JSONValue` tree into a Decodable type, failing with the field's path and what
/// it held ("reads[3].read_bytes: -1 is not a whole number from 0 to …"), where JSONDecoder
/// on Linux says only "not valid JSON" for a number that does not fit its field.
struct JSONValueDecoder: Decoder {
    /// A field that does not hold what its type needs.
    struct Mismatch: Error, CustomStringConvertible {
        var path: [any CodingKey]
        var problem: String

        var description: String { "\(Self.text(of: path)): \(problem)" }

        /// "reads[3].timeline.bucket_s".
        static func text(of path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue, key.stringValue == "Index \(index)" || key.stringValue == "\(index)" {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "the document" : text
        }
    }

    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    func mismatch(_ problem: String) -> Mismatch { Mismatch(path: codingPath, problem: problem) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch("expected an object, found \(value.summary)") }
        return KeyedDecodingContainer(Keyed(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch("expected an array, found \(value.summary)") }
        return Unkeyed(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    /// A value of `type`: the primitives from the tree, anything else through its own init(from:).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is Bool.Type:
            guard case .bool(let flag) = value else { throw mismatch("expected true or false, found \(value.summary)") }
            return flag as! T
        case is String.Type:
            guard case .string(let text) = value else { throw mismatch("expected a string, found \(value.summary)") }
            return text as! T
        case is Double.Type: return try number() as! T
        case is Float.Type: return Float(try number()) as! T
        case let integer as any FixedWidthInteger.Type: return try whole(integer) as! T
        default:
            do {
                return try T(from: self)
            } catch is DecodingError {
                // A type's own check failed, an enumeration's raw value the only one in a dump: name its values.
                guard let enumeration = T.self as? any CaseIterable.Type else {
                    throw mismatch("not a valid \(T.self), found \(value.summary)")
                }
                throw mismatch("not one of \(Self.names(of: enumeration).joined(separator: ", ")), found \(value.summary)")
            }
        }
    }

    private static func names<Enumeration: CaseIterable>(of type: Enumeration.Type) -> [String] {
        Enumeration.allCases.map { "\($0)" }
    }

    private func number() throws -> Double {
        switch value {
        case .unsigned(let number): Double(number)
        case .signed(let number): Double(number)
        case .double(let number): number
        default: throw mismatch("expected a number, found \(value.summary)")
        }
    }

    private func whole<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let range = "a whole number from \(I.min) to \(I.max)"
        let converted: I? =
            switch value {
            case .unsigned(let number): I(exactly: number)
            case .signed(let number): I(exactly: number)
            case .double(let number): I(exactly: number)
            default: throw mismatch("expected \(range), found \(value.summary)")
            }
        guard let converted else { throw mismatch("\(value.summary) is not \(range)") }
        return converted
    }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: JSONValue]
        let codingPath: [any CodingKey]
        var allKeys: [Key] { members.keys.compactMap(Key.init(stringValue:)) }

        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        func decoder(for key: Key) throws -> JSONValueDecoder {
            guard let member = members[key.stringValue] else { throw Mismatch(path: codingPath + [key], problem: "missing") }
            return JSONValueDecoder(member, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null = members[key.stringValue] ?? .null { return true }
            return false
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(type, forKey: key) }

        private func value<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let decoder = try decoder(for: key)
            if case .null = decoder.value { throw decoder.mismatch("expected a value, found null") }
            return try decoder.decode(type)
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(type, forKey: key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(type, forKey: key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(type, forKey: key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(type, forKey: key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(type, forKey: key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(type, forKey: key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(type, forKey: key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(type, forKey: key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(type, forKey: key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(type, forKey: key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(type, forKey: key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(type, forKey: key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(type, forKey: key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(type, forKey: key) }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try decoder(for: key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try decoder(for: key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { JSONValueDecoder(.object(members), codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(for: key) }
    }

    /// An array element's place in a coding path.
    struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        init(elements: [JSONValue], codingPath: [any CodingKey]) {
            self.elements = elements
            self.codingPath = codingPath
        }

        mutating func next() throws -> JSONValueDecoder {
            guard !isAtEnd else { throw Mismatch(path: codingPath, problem: "too few elements") }
            defer { currentIndex += 1 }
            return JSONValueDecoder(elements[currentIndex], codingPath: codingPath + [Index(intValue: currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, case .null = elements[currentIndex] else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }

        private mutating func value<T: Decodable>(_ type: T.Type) throws -> T {
            let decoder = try next()
            if case .null = decoder.value { throw decoder.mismatch("expected a value, found null") }
            return try decoder.decode(type)
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
        mutating func decode(_ type: String.Type) throws -> String { try value(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try value(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try value(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try value(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try value(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try value(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try value(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try value(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try value(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try value(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try value(type) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    private struct Single: SingleValueDecodingContainer {
        let decoder: JSONValueDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool {
            if case .null = decoder.value { return true }
            return false
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }

        private func value<T: Decodable>(_ type: T.Type) throws -> T {
            if case .null = decoder.value { throw decoder.mismatch("expected a value, found null") }
            return try decoder.decode(type)
        }

        func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
        func decode(_ type: String.Type) throws -> String { try value(type) }
        func decode(_ type: Double.Type) throws -> Double { try value(type) }
        func decode(_ type: Float.Type) throws -> Float { try value(type) }
        func decode(_ type: Int.Type) throws -> Int { try value(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try value(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try value(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try value(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try value(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try value(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try value(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try value(type) }
    }
}
