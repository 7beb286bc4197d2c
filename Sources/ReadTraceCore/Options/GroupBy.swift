/// What a row of the live view and the summary stands for: a process, or every process of
/// a container or of a pod, reading one file.
public enum GroupBy: String, CaseIterable, Sendable {
    case process, container, pod
}
