/// The container and Kubernetes pod a cgroup v2 path belongs to, from the names container
/// runtimes and the kubelet give cgroups under both cgroup drivers:
///
///     systemd:  /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope
///               (crio-<id>.scope, docker-<id>.scope; pod uids with "_" for "-")
///     cgroupfs: /kubepods/burstable/pod<uid>/<id>
///     docker:   /system.slice/docker-<id>.scope, /docker/<id>
public struct ContainerIdentity: Sendable, Equatable {
    /// The container's id (the 64 hex digits the runtime shows), nil outside a container.
    public var containerID: String?
    /// The pod's uid with dashes ("0b9f…-…"), nil outside a Kubernetes pod.
    public var podUID: String?
    /// The runtime, when the path names it.
    public var runtime: ContainerRuntime?

    public init(containerID: String? = nil, podUID: String? = nil, runtime: ContainerRuntime? = nil) {
        self.containerID = containerID
        self.podUID = podUID
        self.runtime = runtime
    }

    public init(cgroupPath: String) {
        self.init()
        let components = cgroupPath.split(separator: "/").map(String.init)
        for (index, component) in components.enumerated() {
            if let uid = Self.podUID(inComponent: component) {
                podUID = uid
            } else if let (id, runtime) = Self.scopeContainer(component) {
                containerID = id
                self.runtime = runtime
            } else if Self.isContainerID(component), index > 0,
                components[index - 1].hasPrefix("pod") || components[index - 1] == "docker"
            {
                // cgroupfs driver: a bare id below the pod's directory (or docker's).
                containerID = component
                if components[index - 1] == "docker" { runtime = .docker }
            }
        }
    }

    /// "kubepods-burstable-pod<uid>.slice" (systemd) or "pod<uid>" (cgroupfs).
    static func podUID(inComponent component: String) -> String? {
        var name = Substring(component)
        if name.hasSuffix(".slice") {
            // The uid's own dashes are underscores here, so the pod is the last dash-separated part.
            guard name.hasPrefix("kubepods-"), let last = name.dropLast(".slice".count).split(separator: "-").last,
                last.hasPrefix("pod")
            else { return nil }
            name = last.dropFirst(3)
        } else {
            guard name.hasPrefix("pod") else { return nil }
            name = name.dropFirst(3)
        }
        let uid = dashed(name)
        let isUID = uid.count >= 32 && uid.allSatisfy { $0.isHexDigit || $0 == "-" }
        return isUID ? uid.lowercased() : nil
    }

    /// "cri-containerd-<id>.scope" and the like.
    static func scopeContainer(_ component: String) -> (id: String, runtime: ContainerRuntime)? {
        guard component.hasSuffix(".scope") else { return nil }
        for runtime in ContainerRuntime.allCases where component.hasPrefix(runtime.scopePrefix) {
            let id = String(component.dropFirst(runtime.scopePrefix.count).dropLast(".scope".count))
            if isContainerID(id) { return (id, runtime) }
        }
        return nil
    }

    /// The systemd driver writes a pod uid's dashes as underscores.
    static func dashed(_ text: some StringProtocol) -> String {
        String(text.map { $0 == "_" ? "-" : $0 })
    }

    static func isContainerID(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// Whether this identity is selected by `--pod` prefixes (matched with or without dashes)
    /// or `--container` prefixes.
    public func matches(podPrefixes: [String], containerPrefixes: [String]) -> Bool {
        if let podUID, podPrefixes.contains(where: { podUID.hasPrefix(Self.dashed($0.lowercased())) }) {
            return true
        }
        if let containerID, containerPrefixes.contains(where: { containerID.hasPrefix($0.lowercased()) }) {
            return true
        }
        return false
    }
}
