import Scoop

/// W7 pi: 64 tasks × 100,000 samples; task t starts from splitmix64(t) and
/// draws two 53-bit uniforms per sample from the 64-bit LCG. Deterministic:
/// 5027559 hits of 6400000. Metric `seconds`; `efficiency` against the same
/// 64 tasks run serially here; `busy_efficiency`, `task_cpu_seconds` and
/// `task_wall_seconds` (measured inside the tasks) show where the rest went.
enum W7Pi {
    static let tasks = 64
    static let samples = 100_000
    static let expectedHits = 5_027_559

    /// What a pi task returns: its hits, and the CPU and wall time it took
    /// (measured inside the task, as W3's tasks do).
    struct PiResult: Codable, Sendable, Equatable {
        var hits: Int
        var cpuNanoseconds: Int
        var wallNanoseconds: Int
    }

    static let countHits = TaskFunction("bench.pi") { (task: Int, samples: Int) -> PiResult in
        let cpuBefore = BenchClock.threadCPU()
        let wallBefore = BenchClock.now()
        let hits = hits(task: task, samples: samples)
        return PiResult(hits: hits, cpuNanoseconds: Int(BenchClock.threadCPU() &- cpuBefore),
                        wallNanoseconds: Int(BenchClock.now() &- wallBefore))
    }

    static func hits(task: Int, samples: Int) -> Int {
        var state = splitmix64(UInt64(task))
        var hits = 0
        for _ in 0..<samples {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let u = Double(state >> 11) * 0x1.0p-53
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let v = Double(state >> 11) * 0x1.0p-53
            if u * u + v * v <= 1.0 { hits += 1 }
        }
        return hits
    }

    static func splitmix64(_ seed: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static let workload = Workload(name: "W7", title: "pi", watchdogSeconds: 300) { context in
        let taskIDs = Array(0..<tasks)
        let serialStart = BenchClock.now()
        var serialHits = 0
        for task in taskIDs { serialHits += hits(task: task, samples: samples) }
        let serialSeconds = BenchClock.seconds(since: serialStart)

        let start = BenchClock.now()
        let perTask = try await Futures.map(countHits, taskIDs, Array(repeating: samples, count: tasks))
        let seconds = BenchClock.seconds(since: start)

        let total = perTask.reduce(0) { $0 + $1.hits }
        let estimate = 4.0 * Double(total) / Double(tasks * samples)
        let ok = total == expectedHits && serialHits == expectedHits
        let capacity = seconds * Double(context.workers)
        let efficiency = serialSeconds / capacity
        // Where the workers' time went (docs/benchmarks.md): wall × workers −
        // task_wall_seconds is time no task ran (waiting for work, messages);
        // task_wall_seconds − task_cpu_seconds is time a task was running but
        // its thread was not (the core went to another thread or process).
        let taskCPU = Double(perTask.reduce(0) { $0 + $1.cpuNanoseconds }) / 1e9
        let taskWall = Double(perTask.reduce(0) { $0 + $1.wallNanoseconds }) / 1e9
        return BenchResult(workload: "W7", n: tasks, seconds: seconds, metric: "seconds", value: seconds, ok: ok,
                           extras: [("hits", .int(total)), ("estimate", .double(estimate)),
                                    ("efficiency", .double(efficiency)), ("serial_seconds", .double(serialSeconds)),
                                    ("busy_efficiency", .double(taskCPU / capacity)),
                                    ("task_cpu_seconds", .double(taskCPU)), ("task_wall_seconds", .double(taskWall))],
                           error: ok ? nil : "\(total) hits (serial \(serialHits)), expected \(expectedHits)")
    }
}
