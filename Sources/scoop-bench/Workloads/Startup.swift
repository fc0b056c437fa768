import Scoop

/// startup: wall time from launching the command to the first result of
/// `identity(0)` (process start, runtime start, one round trip).
///
/// Inside a run the process can only see its own age: from the launcher's
/// timestamp (`SCOOP_BENCH_LAUNCH_NS`, set by `scoop-bench compare`) or else
/// from the kernel's start time of this process (10 ms resolution; under
/// `scoop run` that misses the launcher and broker). `scoop-bench compare`
/// therefore measures startup from outside: it starts the command with
/// `--startup-probe` and times the arrival of this line on its pipe.
enum Startup {
    static func measure() async throws -> BenchResult {
        let value = try await Futures.submit(BenchFunctions.identity, 0).value
        guard let (seconds, method) = ProcessAge.secondsSinceLaunch() else {
            return BenchResult(workload: "startup", n: 1, seconds: 0, metric: "seconds", value: 0, ok: value == 0,
                               extras: [("method", .string("unavailable"))])
        }
        return BenchResult(workload: "startup", n: 1, seconds: seconds, metric: "seconds", value: seconds,
                           ok: value == 0, extras: [("method", .string(method))],
                           error: value == 0 ? nil : "identity(0) returned \(value)")
    }
}

/// shutdown: from the end of the body to `Pool.run` returning (the runtime
/// stopping its workers and transport).
enum Shutdown {
    static func result(seconds: Double, error: (any Error)?) -> BenchResult {
        BenchResult(workload: "shutdown", n: 1, seconds: seconds, metric: "seconds", value: seconds,
                    ok: error == nil, error: error.map { String(describing: $0) })
    }
}
