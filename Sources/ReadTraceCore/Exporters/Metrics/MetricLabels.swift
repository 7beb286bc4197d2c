/// The labels of a readtrace series: who read (pod, container, process name) and which file.
/// Every value comes from a bounded set (see `ReadMetrics`), so the series stay countable.
public struct MetricLabels: Hashable, Sendable {
    public var namespace: String
    public var pod: String
    public var podUID: String
    public var containerID: String
    public var comm: String
    public var file: String

    public init(namespace: String = "", pod: String = "", podUID: String = "", containerID: String = "", comm: String, file: String) {
        self.namespace = namespace
        self.pod = pod
        self.podUID = podUID
        self.containerID = containerID
        self.comm = comm
        self.file = file
    }

    /// Where series beyond `--max-series` are counted.
    public static let other = MetricLabels(
        namespace: otherValue, pod: otherValue, podUID: otherValue, containerID: otherValue, comm: otherValue, file: otherValue)

    /// The value standing for everything not named on its own.
    public static let otherValue = "other"

    /// As the exposition writes them, in a fixed order.
    public var pairs: [(String, String)] {
        [("namespace", namespace), ("pod", pod), ("pod_uid", podUID), ("container_id", containerID), ("comm", comm), ("file", file)]
    }
}
