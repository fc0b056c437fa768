/// Parses the names given to `--hosts`.
///
/// Each mention of a host adds one worker slot, so `--hosts a a b` offers two
/// slots on `a` and one on `b`. `name:N` adds `N` slots at once; `name:0`
/// means "all its cores" (`slots: nil`) and cannot be combined with other
/// mentions of that host. A name may be a SLURM-style list (`node[01-04]`,
/// `a,b`), every name of which gets the count; an argument may hold several
/// names separated by spaces (`--hosts "$HOSTS"`). An IPv6 address (two or
/// more `:`) never takes a `:N` suffix: repeat it instead.
///
/// ```swift
/// try HostsFlagParser.parse(["a", "a", "b:4", "node[1-2]"])
/// // [HostSlot("a", slots: 2), HostSlot("b", slots: 4), HostSlot("node1", slots: 1), HostSlot("node2", slots: 1)]
/// ```
public enum HostsFlagParser {
    /// Parses the values of `--hosts`, in order.
    ///
    /// - Throws: ``HostError`` when no name is given or a name or count is
    ///   invalid, e.g. `--hosts 'a:x': 'x' is not a worker count`.
    public static func parse(_ arguments: [String]) throws(HostError) -> [HostSlot] {
        var entries: [SlotMerging.Entry] = []
        for argument in arguments {
            for word in argument.split(whereSeparator: \.isWhitespace) {
                let (pattern, slots) = try split(word)
                for name in try HostPattern.expand(pattern, context: "--hosts") {
                    entries.append(.init(slot: HostSlot(name, slots: slots), origin: "'\(word)'"))
                }
            }
        }
        guard !entries.isEmpty else { throw HostError("--hosts: no host names given") }
        return try SlotMerging.merge(entries) { name, first, second in
            HostError(
                "--hosts: '\(name)' is given as \(first) and as \(second); a host given more than once "
                    + "needs a count each time (':0' means all its cores)")
        }
    }

    /// `name` → (name, 1); `name:N` → (name, N or nil for 0); IPv6 → (address, 1).
    private static func split(_ word: Substring) throws(HostError) -> (String, Int?) {
        let colons = word.indices.filter { word[$0] == ":" }
        guard colons.count == 1, let colon = colons.first else { return (String(word), 1) }
        let name = word[..<colon]
        let countText = word[word.index(after: colon)...]
        guard !name.isEmpty else { throw HostError("--hosts '\(word)' has no host name before ':'") }
        guard let count = SlotCount.parse(countText) else {
            throw HostError(
                "--hosts '\(word)': '\(countText)' is not a worker count "
                    + "(expected name:N, 0 ≤ N ≤ \(SlotCount.maximum))")
        }
        return (String(name), count == 0 ? nil : count)
    }
}
