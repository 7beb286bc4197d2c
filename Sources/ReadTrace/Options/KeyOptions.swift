import ArgumentParser

/// Which files of two dumps (or of a dump and a baseline store) are the same file.
struct KeyOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Match files by what this regular expression captures from their paths (its first group, else its whole match), not by path.",
            discussion:
                "--key '(resnet50)-v[0-9]+\\.engine' makes resnet50-v3.engine the same file as resnet50-v2.engine; files it does not match are left out.",
            valueName: "regex"))
    var key: String?

    mutating func validate() throws { _ = try DumpInput.fileKey(key) }
}
