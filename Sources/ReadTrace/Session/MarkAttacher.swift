import Glibc
import ReadTraceCore
import ReadTraceKernel

/// The run's markers and the files they are attached to: each copy of a library (one per
/// mount namespace that has its own) once. A uprobe belongs to the file, so a copy attached
/// once covers every process that maps it, now or later (dlopen included).
final class MarkAttacher {
    let markers: [MarkSpec]
    private let resolver: MarkResolver
    private var attached: Set<Target> = []

    private struct Target: Hashable {
        var marker: Int
        var device: UInt64
        var inode: UInt64
    }

    init(markers: [MarkSpec], resolver: MarkResolver) {
        self.markers = markers
        self.resolver = resolver
    }

    /// Whether a library may still appear in a new mount namespace: markers given by path.
    static func watchesExecs(_ markers: [MarkSpec]) -> Bool {
        markers.contains { mark in
            switch mark.target {
            case .function(let library, _): library.hasPrefix("/")
            case .usdt(let binary, _, _, _): binary.hasPrefix("/")
            }
        }
    }

    /// The files to attach each marker to, found now; the first marker that cannot be attached
    /// throws its line. A preset's marker whose library this node lacks is dropped with a note.
    static func resolve(
        marks: [MarkSpec], presets: [MarkPreset], resolver: MarkResolver
    ) throws -> [(MarkSpec, [MarkResolver.Target])] {
        let roots = processRoots()
        var resolved: [(MarkSpec, [MarkResolver.Target])] = []
        for mark in marks {
            switch resolver.targets(of: mark, processRoots: roots) {
            case .success(let targets): resolved.append((mark, targets))
            case .failure(let problem): throw ReadTraceError(problem.description)
            }
        }
        for preset in presets {
            var skipped: [String] = []
            for mark in preset.markers {
                switch resolver.targets(of: mark, processRoots: roots) {
                case .success(let targets): resolved.append((mark, targets))
                case .failure(let problem): if !skipped.contains(problem.problem) { skipped.append(problem.problem) }
                }
            }
            if !skipped.isEmpty {
                StandardStreams.writeError(
                    TerminalText.escaped("readtrace: --preset \(preset.rawValue): skipped: \(skipped.joined(separator: "; "))") + "\n")
            }
        }
        return resolved
    }

    /// Attaches every marker to the files found for it before tracing began.
    func attach(_ resolved: [[MarkResolver.Target]], to tracer: KernelTracer) throws {
        for (index, targets) in resolved.enumerated() {
            for target in targets { try attach(marker: index, target, to: tracer) }
        }
    }

    /// A traced process exec'd: its mount namespace may hold a copy of a marker's library
    /// not attached yet. A copy that cannot be attached is reported and left out.
    func noteExec(of pid: Int32, tracer: KernelTracer) {
        for (index, mark) in markers.enumerated() {
            guard let target = resolver.target(of: mark, inRoot: "/proc/\(pid)/root") else { continue }
            do {
                try attach(marker: index, target, to: tracer)
            } catch let error as KernelError {
                StandardStreams.writeError(TerminalText.escaped("readtrace: note: \(KernelWording.sentence(for: error))") + "\n")
            } catch {}
        }
    }

    private func attach(marker index: Int, _ target: MarkResolver.Target, to tracer: KernelTracer) throws {
        let key = Target(marker: index, device: target.device, inode: target.inode)
        guard !attached.contains(key) else { return }
        try tracer.attachMark(index: index, markers[index], path: target.path)
        attached.insert(key)
    }

    /// /proc/PID/root of every running process: other mount namespaces' views of a path.
    private static func processRoots() -> [String] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var roots: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.isEmpty, name.allSatisfy(\.isNumber), Int32(name) != getpid() { roots.append("/proc/\(name)/root") }
        }
        return roots
    }
}
