extension String {
    /// The words from the first `start` on, one space between them: wrapped paragraphs as one line.
    func prose(from start: String) -> String {
        guard let range = range(of: start) else { return "" }
        return self[range.lowerBound...].split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
