import Scoop

/// One benchmark of BENCHMARKS.md: how to run it and what it reports.
struct Workload: Sendable {
    /// The id in the JSON lines and in `--only` (`W1`, `W1b`, …).
    let name: String
    /// What it is, for humans.
    let title: String
    /// The hard limit after which the watchdog reports it as hung and ends the process.
    let watchdogSeconds: Double
    let run: @Sendable (BenchContext) async throws -> BenchResult
}

/// What a workload knows of the pool it runs in.
struct BenchContext: Sendable {
    /// `Pool.size`: futures that can run at once (the origin counts as one worker).
    let workers: Int
    /// `Pool.transport`.
    let transport: String
}

/// The workloads in the order BENCHMARKS.md prescribes, after `host` (a
/// baseline of this host's thread hand-off, not a workload of the brief);
/// startup and shutdown are measured by the runner around them; W4 is last
/// as it is the one that can hang.
enum Workloads {
    static let ordered: [Workload] = [
        HostHandOff.workload,
        W1TinyMap.workload,
        W1bTinyMapBatched.workload,
        W2Latency.workload,
        W2rRemoteLatency.workload,
        W3CPUMap.workload,
        W5Payload.workload,
        W6MapReduce.workload,
        W7Pi.workload,
        W4NestedFib.workload,
    ]

    /// Every name `--only` accepts, in run order.
    static var allNames: [String] { ["startup"] + ordered.map(\.name) + ["shutdown"] }
}

/// The task functions of every workload: each process registers all of them.
enum BenchFunctions {
    /// `identity(x) = x`: the smallest possible task (startup, warm-up, W1, W2).
    static let identity = TaskFunction("bench.identity") { (x: Int) in x }

    static var all: [any RegisteredFunction] {
        [identity, W3CPUMap.spin, W4NestedFib.fib, W5Payload.checksum,
         W6MapReduce.square, W6MapReduce.add, W7Pi.countHits]
    }
}
