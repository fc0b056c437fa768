/// Parses `--hostfile` files.
///
/// One host per line: `host`, `host N` or `host slots=N`. `#` starts a comment
/// (whole line or trailing); blank lines are skipped. The host may be a
/// SLURM-style list (`node[01-04,07]`), every name of which gets the line's
/// count. A missing count or `0` means "that host's core count" (`slots: nil`).
/// A host on several lines gets the sum of their counts; each of those lines
/// then needs an explicit count.
///
/// ```swift
/// let hosts = try HostfileParser.parse("""
///     # the lab
///     node[01-02] 4
///     big slots=16   # trailing comment
///     laptop
///     """, file: "hosts.txt")
/// // node01: 4, node02: 4, big: 16, laptop: nil (its cores)
/// ```
public enum HostfileParser {
    /// Parses the text of a hostfile; `file` names it in error messages.
    ///
    /// - Throws: ``HostError`` naming `file` and the line, e.g.
    ///   `hostfile hosts.txt:3: 'node[04-01]' has a descending range 04-01`.
    public static func parse(_ text: String, file: String) throws(HostError) -> [HostSlot] {
        var entries: [SlotMerging.Entry] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (offset, rawLine) in lines.enumerated() {
            let lineNumber = offset + 1
            let context = "hostfile \(file):\(lineNumber):"
            let content = rawLine.prefix { $0 != "#" }
            let words = content.split(whereSeparator: \.isWhitespace)
            guard let pattern = words.first else { continue }
            guard words.count <= 2 else {
                throw HostError(
                    "\(context) expected 'host', 'host N' or 'host slots=N', got '\(words.joined(separator: " "))'")
            }
            let slots = try words.count == 2 ? count(words[1], context: context) : nil
            for name in try HostPattern.expand(String(pattern), context: context) {
                entries.append(.init(slot: HostSlot(name, slots: slots), origin: "line \(lineNumber)"))
            }
        }
        let hosts = try SlotMerging.merge(entries) { name, first, second in
            HostError(
                "hostfile \(file): '\(name)' is on \(first) and \(second); a host listed more than once "
                    + "needs a worker count on each line (a missing count or 0 means all its cores)")
        }
        guard !hosts.isEmpty else { throw HostError("hostfile \(file) lists no hosts") }
        return hosts
    }

    /// `N` or `slots=N`; `0` means all cores (`nil`).
    private static func count(_ word: Substring, context: String) throws(HostError) -> Int? {
        let digits = word.hasPrefix("slots=") ? word.dropFirst("slots=".count) : word
        guard let value = SlotCount.parse(digits) else {
            throw HostError(
                "\(context) '\(word)' is not a worker count (expected N or slots=N, "
                    + "0 ≤ N ≤ \(SlotCount.maximum))")
        }
        return value == 0 ? nil : value
    }
}
