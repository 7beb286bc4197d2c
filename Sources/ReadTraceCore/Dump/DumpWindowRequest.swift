import Glibc

/// The window `GET /dump` asks for: `last=10m`, or `from=RFC3339&to=RFC3339` (`to` defaults
/// to now). A malformed request is refused with one line saying what is wrong.
public struct DumpWindowRequest: Sendable, Equatable {
    /// Wall-clock seconds since the Unix epoch.
    public var fromUnixSeconds: Double
    public var toUnixSeconds: Double

    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// `query`: the request's parameters in order, decoded; `now`: the wall clock.
    public init(query: [(name: String, value: String)], now: Double) throws(Refusal) {
        let usage = "ask for last=DURATION (10m, 90s, 1h) or from=RFC3339[&to=RFC3339]"
        var values: [String: String] = [:]
        for (name, value) in query {
            guard ["last", "from", "to"].contains(name) else { throw Refusal(description: "unknown parameter '\(name)': \(usage)") }
            guard values.updateValue(value, forKey: name) == nil else { throw Refusal(description: "'\(name)' given twice") }
        }
        switch (values["last"], values["from"], values["to"]) {
        case (let last?, nil, nil):
            guard let span = TimeSpan(parsing: last), span.nanoseconds > 0 else {
                throw Refusal(description: "last=\(last): not a duration (10m, 90s, 1h)")
            }
            self.init(fromUnixSeconds: now - span.seconds, toUnixSeconds: now)
        case (nil, let from?, let to):
            guard let start = Self.unixSeconds(rfc3339: from) else {
                throw Refusal(description: "from=\(from): not an RFC 3339 time (2026-12-02T08:00:00Z)")
            }
            var end = now
            if let to {
                guard let parsed = Self.unixSeconds(rfc3339: to) else {
                    throw Refusal(description: "to=\(to): not an RFC 3339 time (2026-12-02T08:10:00Z)")
                }
                end = parsed
            }
            guard start < end else { throw Refusal(description: "from must be before to") }
            self.init(fromUnixSeconds: start, toUnixSeconds: min(end, now))
        case (nil, nil, nil):
            throw Refusal(description: "no window: \(usage)")
        default:
            throw Refusal(description: "last cannot be combined with from or to; \(usage)")
        }
    }

    public init(fromUnixSeconds: Double, toUnixSeconds: Double) {
        self.fromUnixSeconds = fromUnixSeconds
        self.toUnixSeconds = toUnixSeconds
    }

    /// "2026-12-02T08:00:00Z", "2026-12-02T08:00:00.250+01:00" (RFC 3339's date-time; a space
    /// for the T and a lowercase z as it allows); nil for anything else.
    public static func unixSeconds(rfc3339 text: String) -> Double? {
        let characters = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            var value = 0
            for character in characters[range] {
                guard character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(character - UInt8(ascii: "0"))
            }
            return value
        }
        func character(_ index: Int, in allowed: String) -> Bool {
            index < characters.count && allowed.utf8.contains(characters[index])
        }
        guard let year = number(0..<4), character(4, in: "-"), let month = number(5..<7), character(7, in: "-"),
            let day = number(8..<10), character(10, in: "Tt "), let hour = number(11..<13), character(13, in: ":"),
            let minute = number(14..<16), character(16, in: ":"), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if character(index, in: ".") {
            var scale = 0.1
            index += 1
            let digitsStart = index
            while let digit = number(index..<(index + 1)) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > digitsStart else { return nil }
        }
        var offsetSeconds = 0
        if character(index, in: "Zz") {
            index += 1
        } else if character(index, in: "+-"), let hours = number((index + 1)..<(index + 3)), character(index + 3, in: ":"),
            let minutes = number((index + 4)..<(index + 6)), hours < 24, minutes < 60
        {
            offsetSeconds = (hours * 3600 + minutes * 60) * (characters[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == characters.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        // timegm normalises 31 February into March: such a date is no date.
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        return Double(seconds - offsetSeconds) + fraction
    }
}
