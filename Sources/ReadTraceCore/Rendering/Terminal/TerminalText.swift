/// Text from outside readtrace (file paths, process names, command lines, anything in a dump)
/// made safe to print on a terminal: a name chosen by any process must not move the cursor,
/// retitle the window or split a table row.
public enum TerminalText {
    /// `text` with every control character (C0, DEL, C1) written visibly, as `\n`, `\t`, `\r`
    /// or `\x1b`, and backslashes doubled so the escaped form is unambiguous. Text without
    /// any comes back unchanged.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscaping(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\\": result += "\\\\"
            default:
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            }
        }
        return result
    }

    /// C0, DEL and C1: the characters a terminal acts on instead of showing.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    private static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || scalar == "\\"
    }
}
