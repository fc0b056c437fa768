/// One JSON line a launch produced, with where it came from.
struct Sample: Sendable {
    var transport: String
    var round: Int
    var line: JSONLine
}

/// The medians of the samples per row and transport, and the table of them.
struct Summary: Sendable {
    var transports: [String]
    var samples: [Sample]
    var rounds: Int

    /// The row's field of every verified sample of `transport`.
    func values(_ row: SummaryRow, transport: String) -> [Double] {
        samples.compactMap { sample -> Double? in
            guard sample.transport == transport, sample.line["workload"]?.string == row.workload,
                  sample.line["ok"]?.bool == true else { return nil }
            return sample.line[row.field]?.number
        }
    }

    func median(_ row: SummaryRow, transport: String) -> Double? { Self.median(values(row, transport: transport)) }

    /// Lines of `workload` on `transport`, and how many were verified.
    func verified(_ workload: String, transport: String) -> (ok: Int, total: Int) {
        let lines = samples.filter { $0.transport == transport && $0.line["workload"]?.string == workload }
        return (lines.filter { $0.line["ok"]?.bool == true }.count, lines.count)
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The comparison as a grid of cells: a header row, then one row per `SummaryRow`.
    func grid() -> [[String]] {
        var header = ["workload", "unit"]
        header += transports.map { "\($0) (median)" }
        header += ["target threads", "target zeromq", "target mpi", "best peer"]
        var rows = [header]
        for row in Targets.rows {
            var cells = [row.label, row.unit.isEmpty ? "ratio" : row.unit]
            for transport in transports {
                let (ok, total) = verified(row.workload, transport: transport)
                guard total > 0 else {
                    cells.append("–")
                    continue
                }
                var cell = median(row, transport: transport).map(NumberFormat.short) ?? "n/a"
                if let value = median(row, transport: transport), let meets = row.meets(value, transport: transport) {
                    cell += meets ? " ✓" : " ✗"
                }
                if ok < total { cell += " (ok \(ok)/\(total))" }
                cells.append(cell)
            }
            let arrow = row.higherIsBetter ? "≥" : "≤"
            cells.append(row.targets["threads"].map { arrow + NumberFormat.short($0) } ?? "")
            cells.append(row.targets["zeromq"].map { arrow + NumberFormat.short($0) } ?? "")
            cells.append(row.targets["mpi"].map { arrow + NumberFormat.short($0) } ?? "")
            cells.append(row.bestPeer.map { "\(NumberFormat.short($0.value)) (\($0.system))" } ?? "")
            rows.append(cells)
        }
        var steal = ["host steal", "share of CPU time"]
        steal += transports.map { transport in hostSteal(transport: transport).map(NumberFormat.short) ?? "–" }
        steal += ["", "", "", ""]
        rows.append(steal)
        return rows
    }

    /// The median share of the host's CPU time the hypervisor stole while
    /// `transport`'s workloads ran (`host_steal` of their lines); nil if unknown.
    func hostSteal(transport: String? = nil) -> Double? {
        Self.median(samples.compactMap { sample in
            guard transport == nil || sample.transport == transport else { return nil }
            return sample.line["host_steal"]?.number
        })
    }

    /// Above this median steal, the hypervisor took enough of the CPUs that
    /// latencies and efficiencies say more about the host than about the
    /// transports (a slow hour on a shared VM: round trips several times longer).
    static let unreliableSteal = 0.05

    /// A warning when the host stole much CPU time during the comparison, else nil.
    var stealWarning: String? {
        guard let steal = hostSteal(), steal > Self.unreliableSteal else { return nil }
        return "the hypervisor stole \(Int((steal * 100).rounded())) % of this host's CPU time during the runs "
            + "(median host_steal): these medians are not comparable with a quiet host's; run again later"
    }

    /// The grid as aligned plain text.
    func text() -> String {
        let grid = grid()
        var widths = [Int](repeating: 0, count: grid[0].count)
        for row in grid { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var lines: [String] = []
        for (number, row) in grid.enumerated() {
            lines.append(row.enumerated().map { index, cell in
                cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  "))
            if number == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return lines.joined(separator: "\n")
    }

    /// The grid as a Markdown table.
    func markdownTable() -> String {
        let grid = grid()
        var lines = ["| " + grid[0].joined(separator: " | ") + " |",
                     "|" + String(repeating: "---|", count: grid[0].count)]
        for row in grid.dropFirst() { lines.append("| " + row.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }
}
