/// A checked text's strings, numbers and literals, read as JSONDecoder reads them or refused
/// (`JSONBytesDecoder` and the dump's `JSONBytesDecodable` types read their values here).
extension JSONText {
    func isNull(at start: Int) -> Bool { bytes[start] == UInt8(ascii: "n") }

    /// nil for null, else what `read` reads there: an optional member as init(from:) reads it.
    func orNull<Value>(at start: Int, _ read: (Int) throws(Refusal) -> Value) throws(Refusal) -> Value? {
        isNull(at: start) ? nil : try read(start)
    }

    func bool(at start: Int) throws(Refusal) -> Bool {
        switch bytes[start] {
        case UInt8(ascii: "t"): true
        case UInt8(ascii: "f"): false
        default: throw Refusal()
        }
    }

    /// An integer written without fraction or exponent that fits `I` (JSONDecoder decides the rest).
    func whole<I: FixedWidthInteger>(_ type: I.Type = I.self, at start: Int) throws(Refusal) -> I {
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
        // Bytes compared one by one: a String's UTF8View searched was a twentieth of `report`.
        guard index > start + (negative ? 1 : 0), !(negative && value == 0),
            index == bytes.count
                || (bytes[index] != UInt8(ascii: ".") && bytes[index] != UInt8(ascii: "e") && bytes[index] != UInt8(ascii: "E"))
        else { throw Refusal() }
        return value
    }

    /// Each element of the array at `start`, where it starts (the array is refused when it is none).
    func forEachElement(at start: Int, _ body: (Int) throws(Refusal) -> Void) throws(Refusal) {
        guard bytes[start] == UInt8(ascii: "[") else { throw Refusal() }
        var index = skippingSpace(from: start + 1)
        while bytes[index] != UInt8(ascii: "]") {
            try body(index)
            index = skippingSpace(from: end(ofValueAt: index))
            if bytes[index] == UInt8(ascii: ",") { index = skippingSpace(from: index + 1) }
        }
    }

    /// Correctly rounded, as JSONDecoder (strtod) reads it: exactly from the digits when they
    /// and the power of ten fit a double (Clinger's fast path), else through Double(String).
    func double(at start: Int) throws(Refusal) -> Double {
        let end = end(ofValueAt: start)
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
                if digits > 19 { return try slowDouble(start..<end) }
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
                if written > 400 { return try slowDouble(start..<end) }
                index += 1
            }
            exponent += exponentSign * written
        }
        guard significand < 1 << 53, (-22...22).contains(exponent) else { return try slowDouble(start..<end) }
        let magnitude = exponent < 0 ? Double(significand) / Self.powersOfTen[-exponent] : Double(significand) * Self.powersOfTen[exponent]
        return negative ? -magnitude : magnitude
    }

    /// 1e0 to 1e22: each exactly a double.
    private static let powersOfTen: [Double] = {
        var powers: [Double] = [1]
        for _ in 1...22 { powers.append(powers.last! * 10) }
        return powers
    }()

    private func slowDouble(_ range: Range<Int>) throws(Refusal) -> Double {
        guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)), value.isFinite
        else { throw Refusal() }
        return value
    }

    /// The string at `start`, its escapes replaced.
    func string(at start: Int) throws(Refusal) -> String {
        let content = try stringContent(at: start)
        // The scan checked the UTF-8 and the escapes.
        guard content.contains(UInt8(ascii: "\\")) else { return String(decoding: content, as: UTF8.self) }
        return try unescaped(content, offset: start + 1)
    }

    /// The string at `start` when it has no escapes: the dump's entries read only those, and leave
    /// the others (a hostile name) to `JSONBytesDecoder`.
    func plainString(at start: Int) throws(Refusal) -> String {
        let content = try stringContent(at: start)
        guard !content.contains(UInt8(ascii: "\\")) else { throw Refusal() }
        return String(decoding: content, as: UTF8.self)
    }

    private func stringContent(at start: Int) throws(Refusal) -> UnsafeBufferPointer<UInt8> {
        guard bytes[start] == UInt8(ascii: "\"") else { throw Refusal() }
        return UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(end(ofValueAt: start) - 1)])
    }

    /// A string's content with its escapes replaced (a \u surrogate pair as its one character);
    /// `offset` is where the content starts in the text.
    func unescaped(_ content: UnsafeBufferPointer<UInt8>, offset: Int) throws(Refusal) -> String {
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
                var value = UInt32(try hex(at: offset + index))
                index += 4
                if (0xD800...0xDBFF).contains(value) {
                    let low = UInt32(try hex(at: offset + index + 2))
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
}
