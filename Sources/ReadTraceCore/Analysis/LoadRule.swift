/// Which files are worth calling loads in the timeline and the storm summary: large files, or
/// files named like model files whatever their size. A Python server reads hundreds of .pyc
/// and library files; treating each as a load drowns the few model files and makes a 157 KiB
/// .pyc the yardstick of a storm.
public struct LoadRule: Sendable, Equatable {
    /// Extensions of model files (TensorRT, ONNX, safetensors, PyTorch, GGUF, Keras, TFLite).
    public static let modelFileExtensions = [
        "engine", "plan", "onnx", "safetensors", "bin", "pt", "pth", "gguf", "ckpt", "h5",
        "tflite", "trt",
    ]

    /// Files at least this large count, whatever their name.
    public var minimumBytes: UInt64

    public init(minimumBytes: UInt64 = 16 << 20) {
        self.minimumBytes = minimumBytes
    }

    /// Directories whose .pth files are Python's path configuration, read by every interpreter
    /// at start, not PyTorch weights.
    static let pythonPathDirectories: Set<Substring> = ["site-packages", "dist-packages"]

    /// Whether a file of this path and size is a load; `bytesRead` stands in for a size the
    /// dump does not know (0).
    public func counts(path: String?, sizeBytes: UInt64, bytesRead: UInt64) -> Bool {
        if max(sizeBytes, bytesRead) >= minimumBytes { return true }
        guard let path else { return false }
        // An ASCII path's bytes are its characters: splitting them as bytes is the same and was
        // most of the time this took in a dump of 100,000 entries.
        if path.utf8.allSatisfy({ $0 < 0x80 }) {
            let components = path.utf8.split(separator: UInt8(ascii: "/")).map(Substring.init)
            return Self.isModelFile(components)
        }
        return Self.isModelFile(path.split(separator: "/"))
    }

    /// Whether the last of a path's components is named like a model file.
    private static func isModelFile(_ components: [Substring]) -> Bool {
        guard let name = components.last, let dot = name.lastIndex(of: ".") else { return false }
        let suffix = name[name.index(after: dot)...].lowercased()
        if suffix == "pth", components.count > 1, pythonPathDirectories.contains(components[components.count - 2]) { return false }
        return modelFileExtensions.contains(suffix)
    }

    public func counts(_ load: FileLoad) -> Bool {
        counts(path: load.file?.path, sizeBytes: load.file?.sizeBytes ?? 0, bytesRead: load.bytes)
    }

    /// The rule in words, for the outputs that apply it.
    public var description: String {
        "files of at least \(TextFormat.mebibytes(minimumBytes)) or named *." + Self.modelFileExtensions.joined(separator: " *.")
            + " (not the .pth files of site-packages)"
    }

    /// The rule in a few words, where `description` was said before.
    public var shortDescription: String {
        "files of at least \(TextFormat.mebibytes(minimumBytes)) or model files"
    }
}
