/// A JSON text (RFC 8259) checked whole in one pass, with where each object and array ends,
/// so that `JSONBytesDecoder` reads a dump once more, not once per level of nesting. Stricter
/// than JSONDecoder where that is simpler (well-formed UTF-8, paired surrogates, no number
/// beyond a double's range, at most 512 levels): what it refuses, JSONDecoder judges.
struct JSONText {
    /// Not read here; `DumpDocument.decode` hands the text to JSONDecoder, which says why.
    struct Refusal: Error {}

    /// JSONDecoder's own limit.
    static let maximumDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    /// The offsets of every `{` and `[` (ascending) and of the `}` or `]` that closes each.
    private var opens: [Int32] = []
    private var closes: [Int32] = []
    /// Where the top-level value starts.
    private(set) var root = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(Refusal) {
        guard bytes.count < Int(Int32.max) else { throw Refusal() }
        self.bytes = bytes
        try scan()
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    /// The first offset from `index` that holds no whitespace.
    func skippingSpace(from index: Int) -> Int {
        var index = index
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        return index
    }

    /// Just past the value starting at `start` (the text is checked: no value is cut short).
    func end(ofValueAt start: Int) -> Int {
        switch bytes[start] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): return closing(start) + 1
        case UInt8(ascii: "\""):
            var index = start + 1
            while bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
            return index + 1
        default:
            var index = start + 1
            while index < bytes.count, !Self.endsScalar(bytes[index]) { index += 1 }
            return index
        }
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
    }

    /// The offset of the bracket that closes the one at `open`.
    func closing(_ open: Int) -> Int {
        var low = 0
        var high = opens.count
        while low < high {
            let middle = (low + high) / 2
            if Int(opens[middle]) < open { low = middle + 1 } else { high = middle }
        }
        return Int(closes[low])
    }

    private mutating func scan() throws(Refusal) {
        var objects: [Bool] = []  // per open container: an object (or an array)
        var pending: [Int] = []  // their places in `opens`
        var index = skippingSpace(from: 0)
        root = index
        value: while true {
            index = skippingSpace(from: index)
            guard index < bytes.count else { throw Refusal() }
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard objects.count < Self.maximumDepth else { throw Refusal() }
                let isObject = bytes[index] == UInt8(ascii: "{")
                pending.append(opens.count)
                opens.append(Int32(index))
                closes.append(0)
                objects.append(isObject)
                index = skippingSpace(from: index + 1)
                if index < bytes.count, bytes[index] == UInt8(ascii: isObject ? "}" : "]") {
                    closes[pending.removeLast()] = Int32(index)
                    objects.removeLast()
                    index += 1
                } else {
                    if isObject { index = try key(at: index) }
                    continue value
                }
            case UInt8(ascii: "\""): index = try string(at: index)
            case UInt8(ascii: "t"): index = try literal("true", at: index)
            case UInt8(ascii: "f"): index = try literal("false", at: index)
            case UInt8(ascii: "n"): index = try literal("null", at: index)
            default: index = try number(at: index)
            }
            // After a value: the next member or element, or the end of one or more containers.
            while true {
                index = skippingSpace(from: index)
                guard let isObject = objects.last else { break value }
                guard index < bytes.count else { throw Refusal() }
                if bytes[index] == UInt8(ascii: ",") {
                    index = skippingSpace(from: index + 1)
                    if isObject { index = try key(at: index) }
                    continue value
                }
                guard bytes[index] == UInt8(ascii: isObject ? "}" : "]") else { throw Refusal() }
                closes[pending.removeLast()] = Int32(index)
                objects.removeLast()
                index += 1
            }
        }
        guard index == bytes.count else { throw Refusal() }
    }

    /// A member's name and its colon; returns where its value may start.
    private func key(at index: Int) throws(Refusal) -> Int {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Refusal() }
        let colon = skippingSpace(from: try string(at: index))
        guard colon < bytes.count, bytes[colon] == UInt8(ascii: ":") else { throw Refusal() }
        return colon + 1
    }

    private func literal(_ word: StaticString, at index: Int) throws(Refusal) -> Int {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Refusal() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Refusal() }
        return index + count
    }

    private func byte(_ index: Int) throws(Refusal) -> UInt8 {
        guard index < bytes.count else { throw Refusal() }
        return bytes[index]
    }

    /// A string's end: escapes as JSON has them, \u surrogates in pairs, UTF-8 well formed.
    private func string(at start: Int) throws(Refusal) -> Int {
        var index = start + 1
        while true {
            let byte = try byte(index)
            switch byte {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"):
                let escape = try self.byte(index + 1)
                if escape == UInt8(ascii: "u") {
                    let unit = try hex(at: index + 2)
                    index += 6
                    if (0xDC00...0xDFFF).contains(unit) { throw Refusal() }
                    if (0xD800...0xDBFF).contains(unit) {
                        guard try self.byte(index) == UInt8(ascii: "\\"), try self.byte(index + 1) == UInt8(ascii: "u"),
                            (0xDC00...0xDFFF).contains(try hex(at: index + 2))
                        else { throw Refusal() }
                        index += 6
                    }
                } else {
                    guard "\"\\/bfnrt".utf8.contains(escape) else { throw Refusal() }
                    index += 2
                }
            case 0..<0x20: throw Refusal()
            case 0x20..<0x80: index += 1
            default: index = try scalar(at: index)
            }
        }
    }

    /// Four hex digits.
    func hex(at index: Int) throws(Refusal) -> UInt16 {
        guard index + 4 <= bytes.count else { throw Refusal() }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let digit = bytes[index + offset]
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
            default: throw Refusal()
            }
            value = value << 4 | UInt16(nibble)
        }
        return value
    }

    /// One well-formed UTF-8 sequence of two to four bytes (Unicode's table 3-7); returns its end.
    private func scalar(at index: Int) throws(Refusal) -> Int {
        let lead = bytes[index]
        let (count, second): (Int, ClosedRange<UInt8>) =
            switch lead {
            case 0xC2...0xDF: (2, 0x80...0xBF)
            case 0xE0: (3, 0xA0...0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
            case 0xED: (3, 0x80...0x9F)
            case 0xF0: (4, 0x90...0xBF)
            case 0xF1...0xF3: (4, 0x80...0xBF)
            case 0xF4: (4, 0x80...0x8F)
            default: throw Refusal()
            }
        guard second.contains(try byte(index + 1)) else { throw Refusal() }
        for offset in 2..<count where !(0x80...0xBF).contains(try byte(index + offset)) { throw Refusal() }
        return index + count
    }

    /// A number as JSON writes it; one that a double cannot hold (beyond its range, or so small
    /// that it would read as 0) is refused.
    private func number(at start: Int) throws(Refusal) -> Int {
        func digits(_ index: inout Int) -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        var index = start
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits(&index)
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw Refusal() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&index) > 0 else { throw Refusal() }
        }
        var hasExponent = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            hasExponent = true
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&index) > 0 else { throw Refusal() }
        }
        if hasExponent || integerDigits > 300 {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text), value.isFinite,
                value != 0
                    || !text.utf8.prefix(while: { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }).contains(where: {
                        (UInt8(ascii: "1")...UInt8(ascii: "9")).contains($0)
                    })
            else { throw Refusal() }
        }
        return index
    }
}
