/// Quoting for the POSIX shell that `ssh` runs the remote command in.
public enum ShellQuoting {
    /// `word` as one shell word: left bare when safe, single-quoted otherwise.
    ///
    /// ```swift
    /// ShellQuoting.quote("a b")   // "'a b'"
    /// ShellQuoting.quote("it's")  // "'it'\\''s'"
    /// ```
    public static func quote(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy {
            ($0.value < 128) && ("a"..."z" ~= Character($0) || "A"..."Z" ~= Character($0) || "0"..."9" ~= Character($0) || "-_./=:,+@%".unicodeScalars.contains($0))
        }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
