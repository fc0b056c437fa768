/// Parses the node file of a PBS/Torque job (`$PBS_NODEFILE`).
///
/// One host name per line; a name on several lines offers that many slots;
/// hosts keep the order of their first appearance. Blank lines and `#`
/// comments are skipped.
///
/// ```swift
/// let hosts = try PBSNodefileParser.parse("n1\nn1\nn2\nn1\n", file: "/var/spool/pbs/aux/42")
/// // [HostSlot("n1", slots: 3), HostSlot("n2", slots: 1)]
/// ```
public enum PBSNodefileParser {
    /// Parses the text of a PBS node file; `file` names it in error messages.
    public static func parse(_ text: String, file: String) throws(HostError) -> [HostSlot] {
        var listed: [HostSlot] = []
        for (lineNumber, words) in BatchLines.lines(of: text) {
            let context = "PBS_NODEFILE \(file):\(lineNumber):"
            guard words.count == 1 else {
                throw HostError("\(context) expected one host name per line, got '\(words.joined(separator: " "))'")
            }
            try HostName.validate(words[0], context: context)
            listed.append(HostSlot(String(words[0]), slots: 1))
        }
        let hosts = SlotMerging.sum(listed)
        guard !hosts.isEmpty else { throw HostError("PBS_NODEFILE \(file) lists no hosts") }
        return hosts
    }
}
