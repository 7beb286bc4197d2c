import ArgumentParser
import ReadTraceCore
import ReadTraceKernel

/// Load phases: markers on the loader's own functions, on the same clock as the reads.
struct MarkOptions: ParsableArguments {
    @Option(
        name: .customLong("mark"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Time each call of a function as a load phase NAME (repeatable): NAME=LIBRARY:SYMBOL[:bytes=argN], "
                + "or a USDT probe: NAME=usdt:PATH:PROVIDER:PROBE[,END_PROBE].",
            discussion:
                "LIBRARY is a path or a soname from the loader's cache (ldconfig -p); a path is also looked for in the "
                + "mount namespace of running processes and of traced processes that exec later (/proc/PID/root). "
                + ":bytes=argN (1-5) records that integer argument as the span's bytes. One USDT probe is a point; "
                + "two (BEGIN,END) a span.",
            valueName: "name=spec"))
    var marks: [String] = []

    @Option(
        name: .customLong("preset"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Mark the entry points of a common loader (repeatable): cuda, triton or tensorrt; a preset whose library "
                + "is not on this node is skipped with a note.",
            valueName: "cuda|triton|tensorrt"))
    var presets: [MarkPreset] = []

    mutating func validate() throws {
        for text in marks {
            do throws(MarkSpecError) {
                _ = try MarkSpec(parsing: text)
            } catch {
                throw ValidationError("--mark \(error.description)")
            }
        }
        if marks.count > MarkSpec.maxMarkers {
            throw ValidationError("at most \(MarkSpec.maxMarkers) --mark markers are supported")
        }
    }

    func apply(to options: inout TraceOptions) {
        options.marks = marks.compactMap { try? MarkSpec(parsing: $0) }  // each parsed in validate()
        options.presets = presets
    }
}
