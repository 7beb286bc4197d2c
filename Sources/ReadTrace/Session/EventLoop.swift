import Glibc
import ReadTraceCore

/// Waits until one of a few descriptors is readable or a timeout passes.
struct EventLoop {
    private let descriptors: [Int32]

    init(descriptors: [Int32]) { self.descriptors = descriptors }

    /// Returns when something is readable, the timeout passed, or a signal interrupted the wait;
    /// `also`: descriptors watched this time only (the keyboard, while there is one).
    func wait(timeoutNanoseconds: UInt64, also: [Int32] = []) throws {
        var watched = (descriptors + also).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let milliseconds = Int32(min((timeoutNanoseconds + 999_999) / 1_000_000, 60_000))
        guard poll(&watched, nfds_t(watched.count), milliseconds) >= 0 || errno == EINTR else {
            throw ReadTraceError("poll failed: \(Errno.current)")
        }
    }
}
