import Scoop

/// W2 latency: 2,000 × (submit `identity(i)`, await it), one in flight.
/// Metric `us_per_roundtrip` = total / 2000; extras `median_us`, `p90_us`.
enum W2Latency {
    static let count = 2_000

    static let workload = Workload(name: "W2", title: "latency", watchdogSeconds: 300) { _ in
        try await RoundTrips.measure(workload: "W2", placement: .anywhere)
    }
}

/// The body shared by W2 and W2r.
enum RoundTrips {
    static func measure(workload: String, placement: Futures.Placement) async throws -> BenchResult {
        var times = RoundTripTimes(capacity: W2Latency.count)
        var wrong = 0
        let start = BenchClock.now()
        for index in 0..<W2Latency.count {
            let before = BenchClock.now()
            let value = try await Futures.submit(BenchFunctions.identity, index, placement: placement).value
            times.append(nanoseconds: BenchClock.now() &- before)
            if value != index { wrong += 1 }
        }
        let seconds = BenchClock.seconds(since: start)
        return BenchResult(
            workload: workload, n: W2Latency.count, seconds: seconds, metric: "us_per_roundtrip",
            value: seconds * 1e6 / Double(W2Latency.count), ok: wrong == 0,
            extras: times.percentileExtras() + [("placement", .string(placement == .remote ? "remote" : "anywhere"))],
            error: wrong == 0 ? nil : "\(wrong) round trips returned a wrong value")
    }
}
