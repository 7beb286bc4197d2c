import Glibc

/// A kernel release by major and minor number, the granularity features arrive at.
public struct KernelVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// From a release string such as "6.18.44-fc-v1045" (uname -r); nil if it does not start with two numbers.
    public init?(release: String) {
        let numbers = release.split(maxSplits: 2, omittingEmptySubsequences: false, whereSeparator: { !$0.isNumber })
        guard numbers.count >= 2, let major = Int(numbers[0]), let minor = Int(numbers[1]) else { return nil }
        self.init(major, minor)
    }

    /// The running kernel's release as uname reports it.
    public static func runningRelease() -> String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    public static func < (lhs: KernelVersion, rhs: KernelVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { "\(major).\(minor)" }
}
