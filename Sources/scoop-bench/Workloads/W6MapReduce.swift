import Scoop

/// W6 map-reduce: Σ i² for i in 0..<100000 = 333328333350000 with
/// `Futures.mapReduce` at its defaults. Metric `seconds`.
enum W6MapReduce {
    static let count = 100_000
    static let expected = 333_328_333_350_000

    static let square = TaskFunction("bench.square") { (x: Int) in x * x }
    static let add = TaskFunction("bench.add") { (a: Int, b: Int) in a + b }

    static let workload = Workload(name: "W6", title: "map-reduce", watchdogSeconds: 300) { _ in
        let input = Array(0..<count)
        let start = BenchClock.now()
        let sum = try await Futures.mapReduce(square, add, input)
        let seconds = BenchClock.seconds(since: start)
        let ok = sum == expected
        return BenchResult(workload: "W6", n: count, seconds: seconds, metric: "seconds", value: seconds, ok: ok,
                           extras: [("result", .int(sum))],
                           error: ok ? nil : "sum \(sum), expected \(expected)")
    }
}
