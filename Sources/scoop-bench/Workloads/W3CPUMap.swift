import Scoop

/// W3 cpu-map: 64 tasks `spin(K, seed)` for seeds 1…64, K calibrated so one
/// task takes ~20 ms single-threaded here. Metric `efficiency` = serial time
/// of the 64 tasks / (wall × workers); `busy_efficiency` = Σ per-task thread
/// CPU time (measured inside each task) / (wall × workers).
enum W3CPUMap {
    static let tasks = 64
    static let targetTaskSeconds = 0.020

    /// What a spin task returns: the LCG's final state and the CPU time it took.
    struct SpinResult: Codable, Sendable, Equatable {
        var value: Int
        var cpuNanoseconds: Int
    }

    static let spin = TaskFunction("bench.spin") { (k: Int, seed: Int) -> SpinResult in
        let cpuBefore = BenchClock.threadCPU()
        let value = LCG31.run(k, from: seed)
        return SpinResult(value: value, cpuNanoseconds: Int(BenchClock.threadCPU() &- cpuBefore))
    }

    static let workload = Workload(name: "W3", title: "cpu-map", watchdogSeconds: 600) { context in
        let k = calibrate()
        let seeds = Array(1...tasks)
        let expected = seeds.map { LCG31.jump(k, from: $0) }

        // The same 64 tasks serially, in this thread, without futures.
        let serialStart = BenchClock.now()
        var serial: [Int] = []
        for seed in seeds { serial.append(LCG31.run(k, from: seed)) }
        let serialSeconds = BenchClock.seconds(since: serialStart)

        let cpuBefore = BenchClock.processCPUSeconds()
        let start = BenchClock.now()
        let results = try await Futures.map(spin, Array(repeating: k, count: tasks), seeds)
        let wall = BenchClock.seconds(since: start)
        let processCPU = BenchClock.processCPUSeconds() - cpuBefore

        let busy = Double(results.reduce(0) { $0 + $1.cpuNanoseconds }) / 1e9
        let capacity = wall * Double(context.workers)
        let ok = results.map(\.value) == expected && serial == expected
        return BenchResult(
            workload: "W3", n: tasks, seconds: wall, metric: "efficiency", value: serialSeconds / capacity, ok: ok,
            extras: [("K", .int(k)), ("efficiency", .double(serialSeconds / capacity)),
                     ("busy_efficiency", .double(busy / capacity)), ("serial_seconds", .double(serialSeconds)),
                     ("task_cpu_seconds", .double(busy)),
                     // This process's CPU (all threads): on threads, the pool's total; else the origin's share.
                     ("process_cpu_seconds", .double(processCPU))],
            error: ok ? nil : "spin results differ from the LCG jump-ahead")
    }

    /// K such that one `spin(K, seed)` takes ~20 ms on this thread (fastest of
    /// several timings, so a slow moment of the core does not inflate K).
    static func calibrate() -> Int {
        let probe = 2_000_000
        var fastest = Double.infinity
        for round in 0..<5 {
            let start = BenchClock.now()
            let value = LCG31.run(probe, from: round + 1)
            let seconds = BenchClock.seconds(since: start)
            precondition(value >= 0)
            fastest = min(fastest, seconds)
        }
        return max(1, Int((Double(probe) * targetTaskSeconds / fastest).rounded()))
    }
}

/// The 31-bit LCG `x ← (1103515245·x + 12345) mod 2^31`.
enum LCG31 {
    static let multiplier: UInt32 = 1_103_515_245
    static let increment: UInt32 = 12_345
    static let mask: UInt32 = 0x7FFF_FFFF

    /// Runs the generator `k` times from `seed` (the work of a spin task).
    @inline(never)
    static func run(_ k: Int, from seed: Int) -> Int {
        var x = UInt32(truncatingIfNeeded: seed) & mask
        var remaining = k
        while remaining > 0 {
            x = (multiplier &* x &+ increment) & mask
            remaining -= 1
        }
        return Int(x)
    }

    /// The same result by composing the affine map with itself (O(log k)):
    /// an independent check of `run`.
    static func jump(_ k: Int, from seed: Int) -> Int {
        // (a, c) represents x ↦ a·x + c (mod 2^31); arithmetic mod 2^32 then masked.
        var resultA: UInt32 = 1, resultC: UInt32 = 0
        var stepA = multiplier, stepC = increment
        var remaining = k
        while remaining > 0 {
            if remaining & 1 == 1 {
                // result ∘ step (they commute: powers of one map).
                resultC = (stepA &* resultC &+ stepC) & mask
                resultA = (stepA &* resultA) & mask
            }
            stepC = (stepA &* stepC &+ stepC) & mask
            stepA = (stepA &* stepA) & mask
            remaining >>= 1
        }
        let x = UInt32(truncatingIfNeeded: seed) & mask
        return Int((resultA &* x &+ resultC) & mask)
    }
}
