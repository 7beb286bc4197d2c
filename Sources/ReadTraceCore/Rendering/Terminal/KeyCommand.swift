/// What a key pressed in the live view asks for, the way `top` takes keys.
public enum KeyCommand: Equatable, Sendable {
    case nextSort, previousSort
    case sort(SortKey)
    case togglePause, toggleHelp, closeHelp, quit

    private static let sortKeys: [UInt8: SortKey] = [
        UInt8(ascii: "b"): .bytes, UInt8(ascii: "t"): .total, UInt8(ascii: "r"): .reads,
        UInt8(ascii: "l"): .p99, UInt8(ascii: "i"): .pid, UInt8(ascii: "f"): .file,
    ]

    /// The commands in bytes read from a terminal in raw mode; other keys are ignored. Arrows
    /// right and left move the sort like > and <; a lone Escape closes the help.
    public static func commands(in bytes: [UInt8]) -> [KeyCommand] {
        var commands: [KeyCommand] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x1B {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "O") else {
                    commands.append(.closeHelp)
                    continue
                }
                // A control sequence: parameters, then one final byte from @ to ~.
                index += 1
                while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "C"): commands.append(.nextSort)
                case UInt8(ascii: "D"): commands.append(.previousSort)
                default: break
                }
                index += 1
                continue
            }
            if let sort = sortKeys[byte] {
                commands.append(.sort(sort))
                continue
            }
            switch byte {
            case UInt8(ascii: "s"), UInt8(ascii: ">"): commands.append(.nextSort)
            case UInt8(ascii: "S"), UInt8(ascii: "<"): commands.append(.previousSort)
            case UInt8(ascii: "p"), UInt8(ascii: " "): commands.append(.togglePause)
            case UInt8(ascii: "?"), UInt8(ascii: "h"): commands.append(.toggleHelp)
            case UInt8(ascii: "q"), UInt8(ascii: "Q"): commands.append(.quit)
            default: break
            }
        }
        return commands
    }
}

extension LiveView {
    /// Changes what the view shows as `command` asks; quitting is the session's business.
    public mutating func apply(_ command: KeyCommand) {
        let sorts = SortKey.allCases
        let position = sorts.firstIndex(of: sort) ?? 0
        switch command {
        case .nextSort: sort = sorts[(position + 1) % sorts.count]
        case .previousSort: sort = sorts[(position + sorts.count - 1) % sorts.count]
        case .sort(let key): sort = key
        case .togglePause: isPaused.toggle()
        case .toggleHelp: showsHelp.toggle()
        case .closeHelp: showsHelp = false
        case .quit: break
        }
    }
}
