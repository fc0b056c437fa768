/// SLURM's compact host lists, parsed without calling `scontrol`.
///
/// ```swift
/// try SlurmNodeList.expand("node[01-03],gpu7")
/// // ["node01", "node02", "node03", "gpu7"]
/// try SlurmNodeList.expand("rack[1-2]-node[01-02]")
/// // ["rack1-node01", "rack1-node02", "rack2-node01", "rack2-node02"]
/// try SlurmNodeList.tasksPerNode("2(x3),1")
/// // [2, 2, 2, 1]
/// ```
public enum SlurmNodeList {
    /// Expands a node list such as `SLURM_JOB_NODELIST`.
    ///
    /// Items are separated by commas outside brackets; a bracket group holds
    /// numbers and ranges (`[01-04,07]`), zero padding follows the lower bound
    /// of each range; several groups in one item expand as a product, the
    /// leftmost varying slowest.
    ///
    /// - Parameter variable: the variable named in error messages.
    /// - Throws: ``HostError`` such as
    ///   `SLURM_JOB_NODELIST 'node[04-01]' has a descending range 04-01`.
    public static func expand(_ list: String, variable: String = "SLURM_JOB_NODELIST") throws(HostError) -> [String] {
        try HostPattern.expand(list, context: variable)
    }

    /// Expands a per-node count list such as `SLURM_TASKS_PER_NODE` or
    /// `SLURM_JOB_CPUS_PER_NODE`: `2(x3),1` means 2, 2, 2, 1. Every count must
    /// be at least 1.
    ///
    /// - Parameter variable: the variable named in error messages.
    /// - Throws: ``HostError`` such as
    ///   `SLURM_TASKS_PER_NODE '2(x' is malformed: expected ')'`.
    public static func tasksPerNode(_ spec: String, variable: String = "SLURM_TASKS_PER_NODE") throws(HostError)
        -> [Int]
    {
        func malformed(_ reason: String) -> HostError {
            HostError("\(variable) '\(spec)' is malformed: \(reason)")
        }
        var counts: [Int] = []
        for item in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let open = item.firstIndex(of: "(") ?? item.endIndex
            let countText = item[..<open]
            guard let count = SlotCount.parse(countText) else {
                throw malformed(countText.isEmpty ? "expected a number in '\(item)'" : "'\(countText)' is not a count")
            }
            guard count > 0 else { throw malformed("a count of 0 is not allowed") }
            var repeats = 1
            if open < item.endIndex {
                let group = item[item.index(after: open)...]
                guard group.hasPrefix("x") else { throw malformed("expected 'x' after '(' in '\(item)'") }
                guard let close = group.firstIndex(of: ")") else { throw malformed("expected ')'") }
                guard group.index(after: close) == group.endIndex else {
                    throw malformed("unexpected text after ')' in '\(item)'")
                }
                let repeatText = group[group.index(after: group.startIndex)..<close]
                guard let value = SlotCount.parse(repeatText), value > 0 else {
                    throw malformed("'\(repeatText)' after 'x' is not a repeat count of at least 1")
                }
                repeats = value
            }
            guard counts.count + repeats <= HostPattern.maxNames else {
                throw malformed("describes more than \(HostPattern.maxNames) nodes")
            }
            counts += repeatElement(count, count: repeats)
        }
        return counts
    }
}
