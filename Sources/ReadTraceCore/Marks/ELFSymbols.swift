import Glibc

/// What a marker needs from an ELF file: whether it defines a function, whether it still has
/// its full symbol table, and its USDT probes. Reads the section headers and the symbol and
/// note sections only (a GPU library is hundreds of megabytes). 64-bit little-endian ELF.
public struct ELFSymbols: Sendable {
    /// Names of defined symbols in .dynsym (exported) and .symtab (all, unless stripped).
    public let defined: Set<String>
    /// False when the file has no .symtab: stripped, only its exported symbols left.
    public let hasFullSymbolTable: Bool
    /// USDT probes from .note.stapsdt as (provider, name).
    public let usdtProbes: [(provider: String, name: String)]

    public enum Failure: Error, Equatable, Sendable {
        case unreadable(Errno)
        case notELF
    }

    /// Whether the file defines `symbol` (a versioned name such as `f@@V1` counts as `f`).
    public func defines(_ symbol: String) -> Bool { defined.contains(symbol) }

    public func hasUSDTProbe(provider: String, name: String) -> Bool {
        usdtProbes.contains { $0.provider == provider && $0.name == name }
    }

    public init(path: String) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(.current) }
        defer { close(descriptor) }
        func bytes(at offset: UInt64, count: UInt64) -> [UInt8]? {
            guard count < 1 << 30 else { return nil }
            var buffer = [UInt8](repeating: 0, count: Int(count))
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            return got == Int(count) ? buffer : nil
        }
        // ELF64, little-endian, current version.
        guard let header = bytes(at: 0, count: 64), header[0..<4] == [0x7f, 0x45, 0x4c, 0x46], header[4] == 2, header[5] == 1 else {
            throw .notELF
        }
        let sectionsOffset = header.integer(at: 0x28, as: UInt64.self)
        let sectionSize = UInt64(header.integer(at: 0x3a, as: UInt16.self))
        let sectionCount = UInt64(header.integer(at: 0x3c, as: UInt16.self))
        guard sectionSize >= 64, let table = bytes(at: sectionsOffset, count: sectionSize * sectionCount) else { throw .notELF }
        struct Section {
            var type: UInt32, offset: UInt64, size: UInt64, link: Int, name: UInt32
        }
        let sections = (0..<Int(sectionCount)).map { index in
            let base = index * Int(sectionSize)
            return Section(
                type: table.integer(at: base + 4, as: UInt32.self), offset: table.integer(at: base + 0x18, as: UInt64.self),
                size: table.integer(at: base + 0x20, as: UInt64.self), link: Int(table.integer(at: base + 0x28, as: UInt32.self)),
                name: table.integer(at: base, as: UInt32.self))
        }
        let symbolTable: UInt32 = 2
        let dynamicSymbols: UInt32 = 11
        let note: UInt32 = 7
        var defined: Set<String> = []
        for section in sections where section.type == symbolTable || section.type == dynamicSymbols {
            guard sections.indices.contains(section.link), let symbols = bytes(at: section.offset, count: section.size),
                let names = bytes(at: sections[section.link].offset, count: sections[section.link].size)
            else { continue }
            for base in stride(from: 24, to: symbols.count - 23, by: 24) {  // entry 0 is the null symbol
                let sectionIndex = symbols.integer(at: base + 6, as: UInt16.self)
                guard sectionIndex != 0 else { continue }  // undefined: imported from elsewhere
                let name = Int(symbols.integer(at: base, as: UInt32.self))
                guard name < names.count else { continue }
                let end = names[name...].firstIndex(of: 0) ?? names.count
                let full = String(decoding: names[name..<end], as: UTF8.self)
                defined.insert(String(full.prefix { $0 != "@" }))
            }
        }
        self.defined = defined
        hasFullSymbolTable = sections.contains { $0.type == symbolTable }
        // USDT notes: namesz, descsz, type 3, "stapsdt", then pc, base, semaphore and the
        // NUL-terminated provider, name and arguments.
        var probes: [(provider: String, name: String)] = []
        for section in sections where section.type == note {
            guard let notes = bytes(at: section.offset, count: section.size) else { continue }
            var position = 0
            while position + 12 <= notes.count {
                let nameSize = Int(notes.integer(at: position, as: UInt32.self))
                let descriptionSize = Int(notes.integer(at: position + 4, as: UInt32.self))
                let type = notes.integer(at: position + 8, as: UInt32.self)
                let nameStart = position + 12
                let descriptionStart = nameStart + (nameSize + 3) & ~3
                let next = descriptionStart + (descriptionSize + 3) & ~3
                guard next <= notes.count, nameSize <= notes.count, descriptionSize <= notes.count else { break }
                if type == 3, Array(notes[nameStart..<nameStart + nameSize]) == Array("stapsdt\0".utf8), descriptionSize > 24 {
                    let strings = notes[(descriptionStart + 24)..<(descriptionStart + descriptionSize)]
                        .split(separator: 0, omittingEmptySubsequences: false)
                    if strings.count >= 2 {
                        probes.append(
                            (
                                String(decoding: strings[strings.startIndex], as: UTF8.self),
                                String(decoding: strings[strings.startIndex + 1], as: UTF8.self)
                            ))
                    }
                }
                position = next
            }
        }
        usdtProbes = probes
    }
}

extension [UInt8] {
    fileprivate func integer<Value: FixedWidthInteger>(at offset: Int, as type: Value.Type) -> Value {
        guard offset >= 0, offset + MemoryLayout<Value>.size <= count else { return 0 }
        return withUnsafeBytes { Value(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: Value.self)) }
    }
}
