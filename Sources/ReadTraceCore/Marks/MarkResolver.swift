import Glibc

/// Finds the files a marker attaches to and checks that they have its symbol or probe, so a
/// marker that cannot work is refused in one line before anything is attached.
public struct MarkResolver {
    /// A file to attach to: its path as readtrace can open it (through /proc/PID/root for
    /// another mount namespace), and its identity, so each copy is attached once.
    public struct Target: Hashable, Sendable {
        public var path: String
        public var device: UInt64
        public var inode: UInt64
    }

    public let libraries: SharedLibraries

    public init(libraries: SharedLibraries) { self.libraries = libraries }

    /// The files to attach `mark` to, here and in the mount namespaces of `processRoots`
    /// (`/proc/PID/root`), or the one line saying what is missing.
    public func targets(of mark: MarkSpec, processRoots: [String]) -> Result<[Target], MarkProblem> {
        let library: String
        switch mark.target {
        case .function(let name, _):
            guard let path = libraries.path(for: name) else {
                return .failure(MarkProblem(mark, "no library \(name) in the loader's cache (ldconfig -p): give its path"))
            }
            library = path
        case .usdt(let binary, _, _, _):
            library = binary
        }
        var found: [Target] = []
        for root in [""] + (library.hasPrefix("/") ? processRoots : []) {
            for path in files(for: root + library) {
                var info = stat()
                guard stat(path, &info) == 0,
                    !found.contains(where: { $0.device == UInt64(info.st_dev) && $0.inode == UInt64(info.st_ino) })
                else {
                    continue
                }
                if case .failure(let problem) = check(mark, in: path) { return .failure(problem) }
                found.append(Target(path: path, device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
            }
        }
        guard !found.isEmpty else {
            return .failure(MarkProblem(mark, "no such file \(library), here or in a running process's mount namespace"))
        }
        return .success(found)
    }

    /// The file in one root (`/proc/PID/root`, or "" for readtrace's own) not attached yet, if it is there and usable.
    public func target(of mark: MarkSpec, inRoot root: String) -> Target? {
        let library: String
        switch mark.target {
        case .function(let name, _): library = name
        case .usdt(let binary, _, _, _): library = binary
        }
        guard library.hasPrefix("/") else { return nil }
        for path in files(for: root + library) {
            var info = stat()
            if stat(path, &info) == 0, case .success = check(mark, in: path) {
                return Target(path: path, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            }
        }
        return nil
    }

    /// A file, or for a directory (a preset's backends directory) the shared libraries one level below it.
    private func files(for path: String) -> [String] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        guard info.st_mode & S_IFMT == S_IFDIR, let directory = opendir(path) else { return [path] }
        defer { closedir(directory) }
        var found: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix(".") else { continue }
            let subdirectory = path + "/" + name
            guard let inner = opendir(subdirectory) else { continue }
            while let library = readdir(inner) {
                let file = withUnsafeBytes(of: library.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if file.hasSuffix(".so") { found.append(subdirectory + "/" + file) }
            }
            closedir(inner)
        }
        return found.sorted()
    }

    /// Whether the ELF file at `path` has what the marker needs.
    private func check(_ mark: MarkSpec, in path: String) -> Result<Void, MarkProblem> {
        let symbols: ELFSymbols
        do {
            symbols = try ELFSymbols(path: path)
        } catch .unreadable(let error) {
            return .failure(MarkProblem(mark, "cannot read \(path): \(error)"))
        } catch {
            return .failure(MarkProblem(mark, "\(path) is not a 64-bit ELF file"))
        }
        switch mark.target {
        case .function(_, let symbol):
            guard symbols.defines(symbol) else {
                return .failure(
                    MarkProblem(
                        mark,
                        symbols.hasFullSymbolTable
                            ? "no function \(symbol) in \(path)"
                            : "no function \(symbol) in \(path), which is stripped (no .symtab): only its exported functions can be marked")
                )
            }
        case .usdt(_, let provider, let probe, let endProbe):
            for name in [probe] + (endProbe.map { [$0] } ?? []) where !symbols.hasUSDTProbe(provider: provider, name: name) {
                return .failure(MarkProblem(mark, "no USDT probe \(provider):\(name) in \(path)"))
            }
        }
        return .success(())
    }
}

/// Why a marker cannot be attached: one line naming the marker and what is missing.
public struct MarkProblem: Error, Sendable, CustomStringConvertible {
    public var markName: String
    /// What is missing, without the marker's name.
    public var problem: String
    public var description: String { "--mark \(markName): \(problem)" }

    init(_ mark: MarkSpec, _ problem: String) {
        markName = mark.name
        self.problem = problem
    }
}
