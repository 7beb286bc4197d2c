import Glibc

/// The write end of the pipe signal handlers report to; set once before any handler is installed.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Turns signals into bytes on a pipe, so the event loop sees them as readable input
/// (no work happens inside the handler).
final class SignalPipe {
    let readEnd: Int32

    init(signals: [Int32]) throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw ReadTraceError("cannot create signal pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        readEnd = ends[0]
        signalPipeWriteEnd = ends[1]
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                let savedErrno = errno
                var number = UInt8(truncatingIfNeeded: signal)
                _ = write(signalPipeWriteEnd, &number, 1)
                errno = savedErrno
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
        // A parent may have started readtrace with these signals blocked (a blocked mask is inherited).
        var handled = sigset_t()
        sigemptyset(&handled)
        for signal in signals { sigaddset(&handled, signal) }
        sigprocmask(SIG_UNBLOCK, &handled, nil)
        // A closed output pipe must not kill readtrace before the dump is written.
        Glibc.signal(SIGPIPE, SIG_IGN)
    }

    /// The signals received since the last call.
    func take() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            guard got > 0 else { return received }
            received += buffer[..<got].map { Int32($0) }
        }
    }
}
