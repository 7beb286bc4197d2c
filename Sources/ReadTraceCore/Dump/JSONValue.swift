/// Any JSON value, kept as the text wrote it where that matters: numbers stay exact (a count
/// above 2^53 or a negative one is still itself), so a dump that JSONDecoder refused can be
/// decoded again to say which field holds what.
indirect enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case string(String)
    case unsigned(UInt64)
    case signed(Int64)
    case double(Double)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(String.self) {
            self = .string(value)
        } else if let value = try? single.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .signed(value)
        } else if let value = try? single.decode(Double.self) {
            self = .double(value)
        } else if let value = try? single.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try single.decode([String: JSONValue].self))
        }
    }

    /// What a message says was found: "-1", "a string", "an object".
    var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .string: "a string"
        case .unsigned(let value): "\(value)"
        case .signed(let value): "\(value)"
        case .double(let value): "\(value)"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
