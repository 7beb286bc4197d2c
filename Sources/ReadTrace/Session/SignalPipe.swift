import Glibc
import ReadTraceCore

/// The write end of the one pipe every handler reports to; set once, before any handler exists.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Turns signals into bytes on a pipe, so the event loop sees them as readable input (no work
/// happens inside the handler). One per process: the demo and the session it runs share it.
final class SignalPipe {
    /// A signal as it arrived: from the terminal or the kernel, or sent by a process (kill(1)).
    struct Delivery: Equatable {
        var signal: Int32
        /// kill(2) or sigqueue(3) from some process; false for the terminal's Ctrl-C, which the
        /// kernel also delivers to every process of the foreground group.
        var sentByProcess: Bool
    }

    let readEnd: Int32

    private static let sentByProcessBit: UInt8 = 0x80

    /// The process's pipe, created on first use.
    static func shared() throws -> SignalPipe {
        if let existing = instance { return existing }
        let created = try SignalPipe()
        instance = created
        return created
    }

    nonisolated(unsafe) private static var instance: SignalPipe?

    private init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw ReadTraceError("cannot create signal pipe: \(Errno.current)")
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        readEnd = ends[0]
        signalPipeWriteEnd = ends[1]
        // A closed output pipe must not kill readtrace before the dump is written.
        Glibc.signal(SIGPIPE, SIG_IGN)
    }

    /// Reports `signals` on the pipe from now on, instead of their default action.
    func watch(_ signals: [Int32]) {
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { signal, info, _ in
                let savedErrno = errno
                // si_code <= 0 (SI_USER, SI_QUEUE…) means a process sent it.
                let sent = (info?.pointee.si_code ?? 1) <= 0
                var byte = UInt8(truncatingIfNeeded: signal) | (sent ? SignalPipe.sentByProcessBit : 0)
                _ = write(signalPipeWriteEnd, &byte, 1)
                errno = savedErrno
            }
            action.sa_flags = SA_RESTART | SA_SIGINFO
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
        // A parent may have started readtrace with these signals blocked (a blocked mask is inherited).
        var handled = sigset_t()
        sigemptyset(&handled)
        for signal in signals { sigaddset(&handled, signal) }
        sigprocmask(SIG_UNBLOCK, &handled, nil)
    }

    /// The signals received since the last call.
    func take() -> [Delivery] {
        var received: [Delivery] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            guard got > 0 else { return received }
            received += buffer[..<got].map {
                Delivery(signal: Int32($0 & ~Self.sentByProcessBit), sentByProcess: $0 & Self.sentByProcessBit != 0)
            }
        }
    }
}
