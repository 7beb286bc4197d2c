/// The agent's file selection as the kernel decides it, once per file, from the file's name:
/// name suffixes of at most `maxLength` bytes, compared without case for the model-file
/// defaults and exactly for `--path` globs of the form `*SUFFIX` (`*` also matches `/`, so such
/// a glob is a suffix of the path, and a suffix without `/` is a suffix of the name).
public struct SuffixSelection: Sendable, Equatable {
    public static let maxSuffixes = 16
    public static let maxLength = 16

    public let suffixes: [[UInt8]]
    public let caseInsensitive: Bool

    /// nil when the suffixes do not fit what the kernel compares.
    public init?(suffixes: [[UInt8]], caseInsensitive: Bool) {
        guard !suffixes.isEmpty, suffixes.count <= Self.maxSuffixes,
            suffixes.allSatisfy({ !$0.isEmpty && $0.count <= Self.maxLength && !$0.contains(UInt8(ascii: "/")) })
        else { return nil }
        self.suffixes = caseInsensitive ? suffixes.map { $0.map(Self.lowercased) } : suffixes
        self.caseInsensitive = caseInsensitive
    }

    /// The selection of `MetricFileLabels(globs:)`: the model-file suffixes without globs; else
    /// the globs' suffixes when every glob is `*` and literal text; nil otherwise.
    public init?(globs: [String]) {
        guard !globs.isEmpty else {
            self.init(suffixes: LoadRule.modelFileExtensions.map { Array(".\($0)".utf8) }, caseInsensitive: true)
            return
        }
        var suffixes: [[UInt8]] = []
        for glob in globs {
            let literal = glob.utf8.dropFirst()
            guard glob.utf8.first == UInt8(ascii: "*"), !literal.contains(where: { "*?[\\".utf8.contains($0) }) else { return nil }
            suffixes.append(Array(literal))
        }
        self.init(suffixes: suffixes, caseInsensitive: false)
    }

    /// Suffix `index` right-aligned in 16 bytes, and the mask of its bytes, as two native words
    /// each: what the kernel compares the name's last 16 bytes with.
    public func words(_ index: Int) -> (suffix: (UInt64, UInt64), mask: (UInt64, UInt64)) {
        let suffix = suffixes[index]
        var bytes = [UInt8](repeating: 0, count: Self.maxLength - suffix.count) + suffix
        var mask = [UInt8](repeating: 0, count: Self.maxLength - suffix.count) + [UInt8](repeating: 0xff, count: suffix.count)
        func pair(_ bytes: inout [UInt8]) -> (UInt64, UInt64) {
            bytes.withUnsafeBytes {
                ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
        }
        return (pair(&bytes), pair(&mask))
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
