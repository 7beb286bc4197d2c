import Glibc

/// Standard input as keys for the live view. While open the terminal is in raw mode (keys
/// arrive one by one, unechoed); Ctrl-C still signals, so it ends the run the usual way.
/// `close` restores the terminal's settings.
final class KeyboardInput {
    /// The descriptor the event loop polls; nil once closed or at end of input.
    private(set) var descriptor: Int32?
    private var saved = termios()

    /// Raw mode on standard input; nil when standard input is not a terminal.
    init?() {
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        // Reads return at once with what is there (the loop polls first), without
        // O_NONBLOCK, which would change the terminal for every process sharing it.
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
            // Ctrl-Z would stop readtrace with the terminal raw and the screen switched.
            cc[Int(VSUSP)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        descriptor = STDIN_FILENO
    }

    deinit { close() }

    /// The keys pressed since the last call; at end of input, stops watching it.
    func take() -> [UInt8] {
        guard let descriptor else { return [] }
        var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, 0) > 0 else { return [] }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                // Readable with nothing to read: the terminal is gone.
                if got < 0 || bytes.isEmpty { close() }
                return bytes
            }
            bytes += buffer[..<got]
        }
    }

    /// Gives the terminal its settings back.
    func close() {
        guard descriptor != nil else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        descriptor = nil
    }
}
