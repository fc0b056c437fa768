/// W1b tiny-map-batched: W1 with an explicit chunk size of 2,500. Metric `tasks_per_s`.
enum W1bTinyMapBatched {
    static let chunkSize = 2_500

    static let workload = Workload(name: "W1b", title: "tiny-map-batched", watchdogSeconds: 300) { _ in
        try await TinyMap.measure(workload: "W1b", chunkSize: chunkSize)
    }
}
