import Glibc

public enum HeapMemory {
    /// Hands the kernel back the free pages glibc's heap keeps: loading the BPF programs parses
    /// the kernel's BTF (about 11 MiB on a 6.18 kernel), freed after the load but kept resident.
    public static func returnFreePages() {
        // malloc_trim is declared in <malloc.h>, which the Glibc module leaves out.
        typealias MallocTrim = @convention(c) (Int) -> Int32
        let defaultSearch = UnsafeMutableRawPointer(bitPattern: 0)  // RTLD_DEFAULT
        guard let symbol = dlsym(defaultSearch, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
    }
}
