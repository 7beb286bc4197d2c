/// Shortens ids (pod uids, container ids) to the shortest prefix that tells them apart, never
/// shorter than a minimum: "0b9f3c2e" for one pod, "0b9f3c2e-6" when another starts the same.
public struct IdentifierAbbreviation: Sendable {
    private var prefixes: [String: String] = [:]

    public init(_ ids: some Sequence<String>, minimumLength: Int) {
        let sorted = Set(ids).sorted()
        // In sorted order an id shares its longest common prefix with a neighbour.
        for (index, id) in sorted.enumerated() {
            let neighbours = [index > 0 ? sorted[index - 1] : nil, index + 1 < sorted.count ? sorted[index + 1] : nil].compactMap { $0 }
            let shared = neighbours.map { Self.commonPrefixLength(id, $0) }.max() ?? 0
            prefixes[id] = String(id.prefix(max(minimumLength, shared + 1)))
        }
    }

    public func callAsFunction(_ id: String) -> String { prefixes[id] ?? id }

    private static func commonPrefixLength(_ lhs: String, _ rhs: String) -> Int {
        zip(lhs, rhs).prefix { $0 == $1 }.count
    }
}
