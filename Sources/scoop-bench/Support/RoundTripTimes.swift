/// Round-trip times taken one by one, and the percentiles the latency lines
/// report (`median_us`, `p90_us`).
///
/// ```swift
/// var times = RoundTripTimes(capacity: 2_000)
/// times.append(nanoseconds: BenchClock.now() &- before)
/// let extras = times.percentileExtras()   // [("median_us", …), ("p90_us", …)]
/// ```
struct RoundTripTimes {
    private var nanoseconds: [UInt64] = []

    init(capacity: Int) { nanoseconds.reserveCapacity(capacity) }

    mutating func append(nanoseconds value: UInt64) { nanoseconds.append(value) }

    /// The median and 90th percentile in microseconds, as JSON extras.
    func percentileExtras() -> [(key: String, value: JSONValue)] {
        let sorted = nanoseconds.sorted()
        guard !sorted.isEmpty else { return [] }
        let microseconds = { (rank: Double) -> Double in
            Double(sorted[min(sorted.count - 1, Int(rank * Double(sorted.count)))]) / 1e3
        }
        return [("median_us", .double(microseconds(0.5))), ("p90_us", .double(microseconds(0.9)))]
    }
}
