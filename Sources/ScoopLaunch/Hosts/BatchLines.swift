/// The non-blank, comment-stripped lines of a batch system's host file, as
/// (1-based line number, whitespace-separated words).
enum BatchLines {
    static func lines(of text: String) -> [(Int, [Substring])] {
        var result: [(Int, [Substring])] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (offset, line) in lines.enumerated() {
            let words = line.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace)
            if !words.isEmpty { result.append((offset + 1, words)) }
        }
        return result
    }
}
