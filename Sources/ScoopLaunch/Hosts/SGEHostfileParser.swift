/// Parses the host file of an SGE parallel environment (`$PE_HOSTFILE`).
///
/// Lines are `host slots queue processor-range`; only the first two columns
/// are used. A host on several lines (several queues) gets the sum of its
/// slots; hosts keep the order of their first appearance.
///
/// ```swift
/// let hosts = try SGEHostfileParser.parse("n1 4 all.q@n1 UNDEFINED\nn2 2 all.q@n2 UNDEFINED\n", file: "pe_hostfile")
/// // [HostSlot("n1", slots: 4), HostSlot("n2", slots: 2)]
/// ```
public enum SGEHostfileParser {
    /// Parses the text of an SGE `PE_HOSTFILE`; `file` names it in error messages.
    public static func parse(_ text: String, file: String) throws(HostError) -> [HostSlot] {
        var listed: [HostSlot] = []
        for (lineNumber, words) in BatchLines.lines(of: text) {
            let context = "PE_HOSTFILE \(file):\(lineNumber):"
            guard words.count >= 2 else {
                throw HostError(
                    "\(context) expected 'host slots queue processor-range', got '\(words.joined(separator: " "))'")
            }
            try HostName.validate(words[0], context: context)
            guard let slots = SlotCount.parse(words[1]), slots > 0 else {
                throw HostError("\(context) '\(words[1])' is not a slot count of at least 1")
            }
            listed.append(HostSlot(String(words[0]), slots: slots))
        }
        let hosts = SlotMerging.sum(listed)
        guard !hosts.isEmpty else { throw HostError("PE_HOSTFILE \(file) lists no hosts") }
        return hosts
    }
}
