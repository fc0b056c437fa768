// Monte Carlo estimate of π over 64 futures (the benchmark's W7 workload):
// each task draws 100,000 points from its own deterministic generator.
//
//     swift run -c release pi
import Scoop

/// splitmix64: turns a task index into a well-mixed starting state.
func splitmix64(_ seed: UInt64) -> UInt64 {
    var z = seed &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

let countHits = TaskFunction("pi.countHits") { (task: Int, samples: Int) -> Int in
    var state = splitmix64(UInt64(task))
    func draw() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1.0p-53
    }
    var hits = 0
    for _ in 0..<samples {
        let u = draw(), v = draw()
        if u * u + v * v <= 1.0 { hits += 1 }
    }
    return hits
}

let add = TaskFunction("pi.add") { (a: Int, b: Int) in a + b }

let tasks = 64, samples = 100_000
await Pool.main(functions: [countHits, add]) {
    let hits = try await Futures.map(countHits, Array(0..<tasks), Array(repeating: samples, count: tasks), chunkSize: 1)
        .reduce(0, +)
    let total = tasks * samples
    print("hits \(hits) of \(total): pi ≈ \(4.0 * Double(hits) / Double(total))")
}
