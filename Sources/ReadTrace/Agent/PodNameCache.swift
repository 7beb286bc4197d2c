import Glibc
import ReadTraceCore

/// Pod names by uid from the kubelet's log directories, read again when a pod is asked for
/// that they did not name and the directory has changed since (a new pod's directory).
final class PodNameCache {
    private let directory: String
    private var names = PodNames(directoryNames: [])
    private var readVersion: timespec?

    init(directory: String) { self.directory = directory }

    func pod(uid: String) -> PodNames.Pod? {
        if let known = names.byUID[uid] { return known }
        var info = stat()
        guard stat(directory, &info) == 0 else { return nil }
        if let readVersion, readVersion.tv_sec == info.st_mtim.tv_sec, readVersion.tv_nsec == info.st_mtim.tv_nsec { return nil }
        readVersion = info.st_mtim
        names = PodNames.read(directory: directory)
        return names.byUID[uid]
    }
}
