/// What kind of file an inode is, from the type bits of its mode.
public enum FileKind: Sendable, Equatable {
    case regular, directory, characterDevice, blockDevice, pipe, socket, symbolicLink, other

    public init(mode: UInt32) {
        self =
            switch mode & 0o170000 {
            case 0o100000: .regular
            case 0o040000: .directory
            case 0o020000: .characterDevice
            case 0o060000: .blockDevice
            case 0o010000: .pipe
            case 0o140000: .socket
            case 0o120000: .symbolicLink
            default: .other
            }
    }
}
