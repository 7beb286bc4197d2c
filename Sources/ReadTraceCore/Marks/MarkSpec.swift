/// One `--mark`: a load phase named by the user, and the function or USDT probe whose calls
/// are its spans.
public struct MarkSpec: Sendable, Equatable, CustomStringConvertible {
    public enum Target: Sendable, Equatable {
        /// A function in an ELF file: a uprobe at its entry, a uretprobe at its return.
        /// `library` is a path or a soname (looked up as the dynamic loader would).
        case function(library: String, symbol: String)
        /// A USDT probe: alone, a point in time; with `endProbe`, the span from one to the other.
        case usdt(binary: String, provider: String, probe: String, endProbe: String?)
    }

    public var name: String
    public var target: Target
    /// The argument (from 1) recorded as the span's byte count: `:bytes=argN`.
    public var bytesArgument: Int?

    public init(name: String, target: Target, bytesArgument: Int? = nil) {
        self.name = name
        self.target = target
        self.bytesArgument = bytesArgument
    }

    /// Markers a run can have: their index travels in 16 bits of the attach cookie.
    public static let maxMarkers = 1024

    /// The highest argument the kernel side can read (libbpf 1.1 names five).
    public static let maxBytesArgument = 5

    /// Parses `NAME=LIBRARY:SYMBOL[:bytes=argN]` or `NAME=usdt:PATH:PROVIDER:PROBE[,END_PROBE][:bytes=argN]`;
    /// throws a line saying what is wrong.
    public init(parsing text: String) throws(MarkSpecError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw MarkSpecError("'\(text)' needs a name first: NAME=LIBRARY:SYMBOL or NAME=usdt:PATH:PROVIDER:PROBE")
        }
        name = String(text[..<equals])
        var parts = text[text.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let last = parts.last, last.hasPrefix("bytes=") {
            let argument = last.dropFirst("bytes=".count)
            guard argument.hasPrefix("arg"), let number = Int(argument.dropFirst(3)), (1...Self.maxBytesArgument).contains(number)
            else {
                throw MarkSpecError("'\(text)': bytes= takes arg1 to arg\(Self.maxBytesArgument), got '\(argument)'")
            }
            bytesArgument = number
            parts.removeLast()
        }
        if parts.first == "usdt" {
            guard parts.count == 4, parts.dropFirst().allSatisfy({ !$0.isEmpty }) else {
                throw MarkSpecError("'\(text)': a USDT marker is NAME=usdt:PATH:PROVIDER:PROBE (or PROBE,END_PROBE for a span)")
            }
            let probes = parts[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard probes.count <= 2, probes.allSatisfy({ !$0.isEmpty }) else {
                throw MarkSpecError("'\(text)': name one probe, or two as BEGIN,END")
            }
            target = .usdt(binary: parts[1], provider: parts[2], probe: probes[0], endProbe: probes.count == 2 ? probes[1] : nil)
        } else {
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
                throw MarkSpecError("'\(text)': a function marker is NAME=LIBRARY:SYMBOL, LIBRARY a path or a soname")
            }
            target = .function(library: parts[0], symbol: parts[1])
        }
    }

    /// As given on the command line.
    public var description: String {
        let bytes = bytesArgument.map { ":bytes=arg\($0)" } ?? ""
        return switch target {
        case .function(let library, let symbol): "\(name)=\(library):\(symbol)\(bytes)"
        case .usdt(let binary, let provider, let probe, let endProbe):
            "\(name)=usdt:\(binary):\(provider):\(probe)\(endProbe.map { ",\($0)" } ?? "")\(bytes)"
        }
    }
}

/// Why a `--mark` value cannot be used.
public struct MarkSpecError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
