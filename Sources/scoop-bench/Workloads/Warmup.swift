import Scoop

/// Untimed warm-up before W1: a few calls of each task function, through the
/// pool, so that first-use costs (lazy globals, code paths, connections) are
/// not charged to the first workload.
enum Warmup {
    static func run() async throws {
        for index in 0..<4 {
            _ = try await Futures.submit(BenchFunctions.identity, index).value
            _ = try await Futures.submit(BenchFunctions.identity, index, placement: .remote).value
        }
        _ = try await Futures.map(BenchFunctions.identity, Array(0..<200))
        _ = try await Futures.map(W3CPUMap.spin, [1_000, 1_000, 1_000, 1_000], [1, 2, 3, 4])
        _ = try await Futures.submit(W4NestedFib.fib, W4NestedFib.cutoff + 1).value
        _ = try await Futures.map(W5Payload.checksum, (0..<4).map { W5Payload.buffer($0, size: 4096) })
        _ = try await Futures.mapReduce(W6MapReduce.square, W6MapReduce.add, Array(0..<100))
        _ = try await Futures.map(W7Pi.countHits, [0, 1, 2, 3], [1_000, 1_000, 1_000, 1_000])
    }
}
