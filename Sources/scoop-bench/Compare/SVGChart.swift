/// A bar chart written by hand: one group per workload, one bar per transport,
/// heights proportional to value ÷ target (or target ÷ value for times), so the
/// dashed line at 1 is the target and anything above it beats it. No logarithm.
enum SVGChart {
    static let colors = ["threads": "#4C78A8", "zeromq": "#F58518", "mpi": "#54A24B"]
    static let cap = 3.0

    static func render(_ summary: Summary) -> String {
        let rows = Targets.rows.filter(\.charted)
        let barWidth = 22.0, barGap = 4.0, groupGap = 26.0
        let groupWidth = Double(summary.transports.count) * (barWidth + barGap) - barGap
        let left = 56.0, top = 48.0, plotHeight = 300.0, bottom = 96.0
        let width = left + Double(rows.count) * (groupWidth + groupGap) + 24
        let height = top + plotHeight + bottom
        let y = { (score: Double) -> Double in top + plotHeight * (1 - min(score, cap) / cap) }

        var svg: [String] = []
        svg.append("""
            <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" \
            viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="sans-serif" font-size="11">
            """)
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        svg.append("<text x=\"\(fmt(left))\" y=\"20\" font-size=\"14\" font-weight=\"bold\">swift-scoop: median of \(summary.rounds) round(s) relative to the target (1 = target, higher is better, capped at \(fmt(cap))×)</text>")
        // Axis with gridlines at 0.5 steps.
        var tick = 0.0
        while tick <= cap + 1e-9 {
            let lineY = y(tick)
            let isTarget = abs(tick - 1) < 1e-9
            svg.append("<line x1=\"\(fmt(left - 4))\" y1=\"\(fmt(lineY))\" x2=\"\(fmt(width - 16))\" y2=\"\(fmt(lineY))\" stroke=\"\(isTarget ? "#d62728" : "#ddd")\"\(isTarget ? " stroke-dasharray=\"6,4\" stroke-width=\"1.5\"" : "")/>")
            svg.append("<text x=\"\(fmt(left - 8))\" y=\"\(fmt(lineY + 4))\" text-anchor=\"end\">\(fmt(tick))×</text>")
            tick += 0.5
        }
        svg.append("<text x=\"\(fmt(width - 18))\" y=\"\(fmt(y(1) - 4))\" text-anchor=\"end\" fill=\"#d62728\">target</text>")

        for (index, row) in rows.enumerated() {
            let groupLeft = left + 8 + Double(index) * (groupWidth + groupGap)
            for (slot, transport) in summary.transports.enumerated() {
                let x = groupLeft + Double(slot) * (barWidth + barGap)
                guard let value = summary.median(row, transport: transport),
                      let score = row.score(value, transport: transport) else {
                    svg.append("<text x=\"\(fmt(x + barWidth / 2))\" y=\"\(fmt(top + plotHeight - 4))\" text-anchor=\"middle\" fill=\"#999\">–</text>")
                    continue
                }
                let barTop = y(score)
                let color = colors[transport] ?? "#888"
                svg.append("<rect x=\"\(fmt(x))\" y=\"\(fmt(barTop))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(top + plotHeight - barTop))\" fill=\"\(color)\"><title>\(transport) \(row.label): \(NumberFormat.short(value)) \(row.unit) (\(fmt(score))× target)</title></rect>")
                let labelY = barTop - 4
                svg.append("<text x=\"\(fmt(x + barWidth / 2))\" y=\"\(fmt(labelY))\" text-anchor=\"start\" transform=\"rotate(-60 \(fmt(x + barWidth / 2)) \(fmt(labelY)))\" font-size=\"10\">\(NumberFormat.short(value))\(score > cap ? " ▲" : "")</text>")
            }
            let centre = groupLeft + groupWidth / 2
            let captionY = top + plotHeight + 16
            svg.append("<text x=\"\(fmt(centre))\" y=\"\(fmt(captionY))\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(row.workload))</text>")
            svg.append("<text x=\"\(fmt(centre))\" y=\"\(fmt(captionY + 14))\" text-anchor=\"middle\" fill=\"#555\">\(escape(row.unit.isEmpty ? row.field.replacingUnderscores() : row.unit))</text>")
        }
        // Legend.
        var legendX = left
        let legendY = height - 24
        for transport in summary.transports {
            svg.append("<rect x=\"\(fmt(legendX))\" y=\"\(fmt(legendY - 10))\" width=\"12\" height=\"12\" fill=\"\(colors[transport] ?? "#888")\"/>")
            svg.append("<text x=\"\(fmt(legendX + 16))\" y=\"\(fmt(legendY))\">\(transport)</text>")
            legendX += 110
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func fmt(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            default: result.append(character)
            }
        }
        return result
    }
}

private extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
