/// One row of the comparison: a number a workload reports, and which way is better.
struct SummaryRow: Sendable {
    var workload: String
    /// The JSON field summarized (`value` is the workload's metric).
    var field: String
    var label: String
    var unit: String
    var higherIsBetter: Bool
    /// The goals of issue 5 per transport.
    var targets: [String: Double]
    /// The best of the peers in BENCHMARKS.md, and who.
    var bestPeer: (value: Double, system: String)?
    /// Shown in the bar chart.
    var charted: Bool

    /// How far a value is from the target: > 1 beats it (no logarithm).
    func score(_ value: Double, transport: String) -> Double? {
        guard let target = target(for: transport), value > 0 else { return nil }
        return higherIsBetter ? value / target : target / value
    }

    /// The target of `transport` (issue 5's table), if it has one.
    func target(for transport: String) -> Double? { targets[transport] }

    func meets(_ value: Double, transport: String) -> Bool? {
        guard let target = target(for: transport) else { return nil }
        return higherIsBetter ? value >= target : value <= target
    }
}

enum Targets {
    static let rows: [SummaryRow] = [
        SummaryRow(workload: "startup", field: "value", label: "startup", unit: "s", higherIsBetter: false,
                   targets: ["threads": 0.02, "zeromq": 0.3, "mpi": 0.5], bestPeer: (0.11, "multiprocessing.Pool"), charted: true),
        SummaryRow(workload: "host", field: "median_us", label: "host hand-off", unit: "µs", higherIsBetter: false,
                   targets: [:], bestPeer: nil, charted: false),
        SummaryRow(workload: "W1", field: "value", label: "W1 tiny-map", unit: "tasks/s", higherIsBetter: true,
                   targets: ["threads": 1_000_000, "zeromq": 100_000, "mpi": 200_000], bestPeer: (23_248, "multiprocessing.Pool"),
                   charted: true),
        SummaryRow(workload: "W1b", field: "value", label: "W1b chunk 2500", unit: "tasks/s", higherIsBetter: true,
                   targets: ["threads": 20_000_000, "zeromq": 5_000_000, "mpi": 5_000_000], bestPeer: (4_090_000, "multiprocessing.Pool"),
                   charted: true),
        SummaryRow(workload: "W2", field: "value", label: "W2 latency", unit: "µs", higherIsBetter: false,
                   targets: ["threads": 5, "zeromq": 10, "mpi": 10], bestPeer: (95, "SCOOP (local)"), charted: true),
        SummaryRow(workload: "W2", field: "median_us", label: "W2 median", unit: "µs", higherIsBetter: false,
                   targets: [:], bestPeer: nil, charted: false),
        SummaryRow(workload: "W2r", field: "value", label: "W2r remote latency", unit: "µs", higherIsBetter: false,
                   targets: ["threads": 10, "zeromq": 200, "mpi": 20], bestPeer: (297, "ProcessPoolExecutor"), charted: true),
        SummaryRow(workload: "W2r", field: "median_us", label: "W2r median", unit: "µs", higherIsBetter: false,
                   targets: [:], bestPeer: nil, charted: false),
        SummaryRow(workload: "W3", field: "busy_efficiency", label: "W3 busy-efficiency", unit: "",
                   higherIsBetter: true, targets: ["threads": 0.98, "zeromq": 0.97, "mpi": 0.97],
                   bestPeer: (0.96, "ProcessPoolExecutor"), charted: true),
        SummaryRow(workload: "W3", field: "efficiency", label: "W3 efficiency", unit: "", higherIsBetter: true,
                   targets: ["threads": 0.98, "zeromq": 0.97, "mpi": 0.97], bestPeer: nil, charted: false),
        SummaryRow(workload: "W4", field: "value", label: "W4 nested-fib", unit: "futures/s", higherIsBetter: true,
                   targets: ["threads": 200_000, "zeromq": 30_000, "mpi": 50_000], bestPeer: (6_770, "SCOOP"), charted: true),
        SummaryRow(workload: "W5", field: "value", label: "W5 payload", unit: "MB/s", higherIsBetter: true,
                   targets: ["threads": 10_000, "zeromq": 1_000, "mpi": 2_000], bestPeer: (485, "SCOOP"), charted: true),
        SummaryRow(workload: "W6", field: "value", label: "W6 map-reduce", unit: "s", higherIsBetter: false,
                   targets: ["threads": 0.01, "zeromq": 0.05, "mpi": 0.05], bestPeer: (0.05, "multiprocessing.Pool"), charted: true),
        SummaryRow(workload: "W7", field: "value", label: "W7 pi", unit: "s", higherIsBetter: false,
                   targets: [:], bestPeer: (2.15, "ProcessPoolExecutor"), charted: false),
        SummaryRow(workload: "W7", field: "efficiency", label: "W7 efficiency", unit: "", higherIsBetter: true,
                   targets: ["threads": 0.95, "zeromq": 0.95, "mpi": 0.95], bestPeer: nil, charted: true),
        SummaryRow(workload: "shutdown", field: "value", label: "shutdown", unit: "s", higherIsBetter: false,
                   targets: [:], bestPeer: nil, charted: false),
    ]
}

/// Numbers for people: 1.23M, 45.6k, 312, 4.56, 0.983, 0.0042.
enum NumberFormat {
    static func short(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e6 { return fixed(value / 1e6, 2) + "M" }
        if magnitude >= 1e4 { return fixed(value / 1e3, 1) + "k" }
        if magnitude >= 100 { return fixed(value, 0) }
        if magnitude >= 1 { return fixed(value, 2) }
        if magnitude >= 0.01 || magnitude == 0 { return fixed(value, 3) }
        return fixed(value, 5)
    }

    /// `value` with `digits` decimals, rounded half away from zero.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 1e18 else { return String(value) }
        let integer = Int(scaled)
        let sign = value < 0 && integer != 0 ? "-" : ""
        let whole = integer / Int(scale)
        guard digits > 0 else { return sign + String(whole) }
        let fraction = String(integer % Int(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
