/// A child's end as a shell reports it: its exit code, or 128 + the signal that killed it.
struct ExitStatus: Sendable, Equatable {
    var code: Int32

    init(waitStatus status: Int32) {
        let terminatingSignal = status & 0x7F
        code = terminatingSignal == 0 ? (status >> 8) & 0xFF : 128 + terminatingSignal
    }
}
