/// The container runtime a cgroup's name shows; its raw value is how the dump spells it.
public enum ContainerRuntime: String, Codable, Sendable, CaseIterable {
    case containerd
    case crio = "cri-o"
    case docker

    /// The prefix the systemd cgroup driver gives the runtime's container scopes.
    var scopePrefix: String {
        switch self {
        case .containerd: "cri-containerd-"
        case .crio: "crio-"
        case .docker: "docker-"
        }
    }
}
