import Scoop

/// W4 nested-fib: `fib(22)` with cutoff 12. A call with n ≥ 12 submits
/// `fib(n-1)` and `fib(n-2)` as futures from inside the task and awaits them;
/// below the cutoff it computes serially. The root call is itself a future.
/// Metric `futures_per_s`; a deadlock is reported after 120 s (ok=false).
enum W4NestedFib {
    static let n = 22
    static let cutoff = 12
    static let timeout: Duration = .seconds(120)

    static let fib: TaskFunction<Int, Int> = TaskFunction("bench.fib") { (n: Int) -> Int in
        if n < cutoff { return serialFib(n) }
        let left = try Futures.submit(fib, n - 1)
        let right = try Futures.submit(fib, n - 2)
        return try await left.value + right.value
    }

    static func serialFib(_ n: Int) -> Int { n < 2 ? n : serialFib(n - 1) + serialFib(n - 2) }

    /// How many futures `fib(n)` creates, root included: the call tree counted
    /// separately from the run (465 for fib(22), cutoff 12).
    static func futureCount(_ n: Int) -> Int { n < cutoff ? 1 : 1 + futureCount(n - 1) + futureCount(n - 2) }

    static let workload = Workload(name: "W4", title: "nested-fib", watchdogSeconds: 130) { _ in
        let futures = futureCount(n)
        let expected = serialFib(n)
        let start = BenchClock.now()
        let value: Int
        do {
            value = try await Futures.submit(fib, n).value(timeout: timeout)
        } catch let error as ScoopError {
            guard case .timeout = error else { throw error }
            return BenchResult(workload: "W4", n: futures, seconds: BenchClock.seconds(since: start),
                               metric: "futures_per_s", value: 0, ok: false,
                               extras: [("result", .null), ("deadlock", .bool(true))],
                               error: "deadlock: fib(\(n)) gave no result within \(timeout)")
        }
        let seconds = BenchClock.seconds(since: start)
        let ok = value == 17_711 && value == expected && futures == 465
        return BenchResult(workload: "W4", n: futures, seconds: seconds, metric: "futures_per_s",
                           value: Double(futures) / seconds, ok: ok,
                           extras: [("result", .int(value)), ("futures", .int(futures))],
                           error: ok ? nil : "fib(\(n)) = \(value) with \(futures) futures (expected 17711 with 465)")
    }
}
