import Glibc

/// Finds a library the way the dynamic loader does for a soname: in the loader's cache
/// (`ldconfig -p`). LD_LIBRARY_PATH and RPATH belong to the traced program, not to readtrace,
/// and are not searched: give such a library by its path.
public struct SharedLibraries: Sendable {
    /// Library names in the cache with their paths, for this machine's architecture first.
    private let paths: [String: [String]]

    public init(ldconfigOutput: String) {
        var paths: [String: [String]] = [:]
        for line in ldconfigOutput.split(separator: "\n") {
            // "\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1"
            guard let arrow = line.firstRange(of: " => "), let space = line.firstIndex(of: " ") else { continue }
            let name = line[..<space].trimmingPrefix(while: { $0 == "\t" || $0 == " " })
            let flags = line[space..<arrow.lowerBound]
            // Another architecture's copy (a 32-bit one on a 64-bit host) is never what a 64-bit process maps.
            guard flags.firstRange(of: "libc6)") == nil || MemoryLayout<Int>.size == 4 else { continue }
            paths[String(name), default: []].append(String(line[arrow.upperBound...]))
        }
        self.paths = paths
    }

    /// The loader's cache as `ldconfig -p` prints it; empty where ldconfig cannot be run.
    public static func current() -> SharedLibraries {
        var output: [UInt8] = []
        for ldconfig in ["/sbin/ldconfig", "/usr/sbin/ldconfig"] where access(ldconfig, X_OK) == 0 {
            guard let pipe = popen("\(ldconfig) -p 2>/dev/null", "r") else { break }
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
                if got == 0 { break }
                output += chunk[..<got]
            }
            pclose(pipe)
            break
        }
        return SharedLibraries(ldconfigOutput: String(decoding: output, as: UTF8.self))
    }

    /// The path for a soname (`libcuda.so.1`), or for the shorter name a user or preset gives
    /// (`libcuda.so`, `libcuda`) its first versioned match; a name with a slash is a path already.
    public func path(for library: String) -> String? {
        if library.contains("/") { return library }
        if let exact = paths[library]?.first { return exact }
        let stem = library.hasSuffix(".so") ? library + "." : library + ".so"
        return paths.keys.filter { $0.hasPrefix(stem) }.sorted().first.flatMap { paths[$0]?.first }
    }
}
