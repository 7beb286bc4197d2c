import Glibc
import ReadTraceCore
import ReadTraceKernel

/// Writes the outputs asked for once tracing ends: each on its own, so one that fails (a full
/// disk, a removed directory) does not keep the others from being written; with progress on a
/// terminal, and a stop signal (a second Ctrl-C) abandons the write cleanly.
struct OutputWriter {
    let signals: SignalPipe
    let showsProgress = isatty(STDERR_FILENO) == 1

    /// How writing went: whether every output was written, and whether a signal cut it short.
    enum Result: Equatable {
        case written
        case failed
        case aborted(signal: Int32)
    }

    private struct Aborted: Error {
        var signal: Int32
    }

    func write(_ outputs: [any RunOutput], from dump: DumpSource) -> Result {
        var result = Result.written
        for output in outputs {
            let shownPath = TerminalText.escaped(output.path)
            if case .aborted = result {
                StandardStreams.writeError("readtrace: \(shownPath) not written (stopped)\n")
                continue
            }
            do {
                try write(output, from: dump)
                if let user = ChildProcess.User.invokingSudoUser() { _ = chown(output.path, user.uid, user.gid) }
                StandardStreams.writeError("readtrace: wrote \(shownPath)\n")
            } catch let stop as Aborted {
                StandardStreams.writeError("readtrace: \(shownPath) not written (stopped while writing it)\n")
                result = .aborted(signal: stop.signal)
            } catch {
                StandardStreams.writeError("readtrace: \(TerminalText.escaped("\(error)"))\n")
                result = .failed
            }
        }
        return result
    }

    private func write(_ output: any RunOutput, from dump: DumpSource) throws {
        let shownPath = TerminalText.escaped(output.path)
        var written = 0
        var nextReport = Clock.monotonicNanoseconds() + Self.progressDelayNanoseconds
        defer { if showsProgress && written > 0 { StandardStreams.writeError("\r\u{1B}[K") } }
        try AtomicFile.write(to: output.path) { emit in
            try output.write(dump) { piece in
                if let stop = signals.take().first(where: { TraceSession.stopSignals.contains($0.signal) }) {
                    throw Aborted(signal: stop.signal)
                }
                try emit(piece)
                written += piece.count
                let now = Clock.monotonicNanoseconds()
                if showsProgress && now >= nextReport {
                    StandardStreams.writeError(
                        "\rreadtrace: writing \(shownPath): \(TextFormat.bytes(UInt64(written))) (Ctrl-C to stop)\u{1B}[K")
                    nextReport = now + Self.progressIntervalNanoseconds
                }
            }
        }
    }

    /// A write shorter than this shows no progress line.
    private static let progressDelayNanoseconds: UInt64 = 500_000_000
    private static let progressIntervalNanoseconds: UInt64 = 250_000_000
}
