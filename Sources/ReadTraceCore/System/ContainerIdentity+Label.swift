extension ContainerIdentity {
    /// "pod " and the pod's uid as `shorten` gives it (whole by default); nil outside a pod.
    public func podLabel(_ shorten: (String) -> String = { $0 }) -> String? {
        podUID.map { "pod " + shorten($0) }
    }

    /// "ctr " and the container's id as `shorten` gives it (by default its first 12 digits, as
    /// `docker ps` and `crictl ps` show it); nil outside a container.
    public func containerLabel(_ shorten: (String) -> String = { String($0.prefix(12)) }) -> String? {
        containerID.map { "ctr " + shorten($0) }
    }

    /// How every table and report names where a process runs: its pod, else its container.
    public func label(pod: (String) -> String = { $0 }, container: (String) -> String = { String($0.prefix(12)) }) -> String? {
        podLabel(pod) ?? containerLabel(container)
    }

    /// The pod's uid as a column shows it, its first 8 characters; nil outside a pod.
    public var shortPodUID: String? { podUID.map { String($0.prefix(8)) } }
}

extension DumpDocument.Process {
    public var identity: ContainerIdentity {
        ContainerIdentity(containerID: containerID, podUID: podUID, runtime: containerRuntime)
    }
}
