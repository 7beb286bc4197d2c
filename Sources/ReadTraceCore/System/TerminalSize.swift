import Glibc

/// The size of the terminal standard output is shown on: the one place readtrace asks for it.
public struct TerminalSize: Sendable, Equatable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    /// What tables are laid out for when output is not a terminal (a file, a pipe, a log).
    public static let fallback = TerminalSize(columns: 160, rows: 50)

    /// Standard output's terminal size; nil when it is not a terminal or does not know its size.
    public static func ofStandardOutput() -> TerminalSize? {
        var size = winsize()
        guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        // A terminal claiming more is not believed: tables are laid out for at most 1000 columns.
        return TerminalSize(columns: min(Int(size.ws_col), 1000), rows: Int(size.ws_row))
    }
}
