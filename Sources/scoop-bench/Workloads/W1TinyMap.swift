import Scoop

/// W1 tiny-map: `map(identity, 0..<20000)`, one future per element as the
/// user writes it (the runtime batches on its own). Metric `tasks_per_s`.
enum W1TinyMap {
    static let count = 20_000

    static let workload = Workload(name: "W1", title: "tiny-map", watchdogSeconds: 300) { _ in
        try await TinyMap.measure(workload: "W1", chunkSize: nil)
    }
}

/// The body shared by W1 and W1b.
enum TinyMap {
    static func measure(workload: String, chunkSize: Int?) async throws -> BenchResult {
        let input = Array(0..<W1TinyMap.count)
        let start = BenchClock.now()
        let output = try await Futures.map(BenchFunctions.identity, input, chunkSize: chunkSize)
        let seconds = BenchClock.seconds(since: start)
        let ok = output == input
        var extras: [(key: String, value: JSONValue)] = []
        if let chunkSize { extras.append(("chunk_size", .int(chunkSize))) }
        return BenchResult(workload: workload, n: input.count, seconds: seconds, metric: "tasks_per_s",
                           value: Double(input.count) / seconds, ok: ok, extras: extras,
                           error: ok ? nil : "map returned wrong or misordered results")
    }
}
