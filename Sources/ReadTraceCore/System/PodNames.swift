import Glibc

/// Pod names and namespaces by pod uid, from the directories the kubelet keeps under
/// `/var/log/pods`: `<namespace>_<pod>_<uid>`. Neither a namespace nor a pod name can hold
/// "_" (they are DNS labels), so the three parts split cleanly; no API server is asked.
public struct PodNames: Sendable, Equatable {
    public struct Pod: Sendable, Equatable {
        public var namespace: String
        public var name: String
    }

    /// By uid, lowercase with dashes (as `ContainerIdentity.podUID`).
    public private(set) var byUID: [String: Pod] = [:]

    public init(directoryNames: some Sequence<String>) {
        for name in directoryNames {
            if let (uid, pod) = Self.parse(name) { byUID[uid] = pod }
        }
    }

    /// "default_trtserver-0_0b9f3c2e-…" → its uid and pod; nil for names of another shape.
    static func parse(_ directoryName: String) -> (uid: String, pod: Pod)? {
        let parts = directoryName.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        let uid = parts[2].lowercased()
        guard uid.count >= 32, uid.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { return nil }
        return (uid, Pod(namespace: String(parts[0]), name: String(parts[1])))
    }

    /// The names in `directory`; empty where it is missing or unreadable (not a Kubernetes node).
    public static func read(directory: String = "/var/log/pods") -> PodNames {
        guard let stream = opendir(directory) else { return PodNames(directoryNames: []) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return PodNames(directoryNames: names)
    }
}
