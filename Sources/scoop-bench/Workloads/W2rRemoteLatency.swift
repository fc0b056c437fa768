/// W2r remote latency: W2 with `placement: .remote`, so every future runs in
/// another process than the submitter's (on threads: another thread).
enum W2rRemoteLatency {
    static let workload = Workload(name: "W2r", title: "remote latency", watchdogSeconds: 300) { _ in
        try await RoundTrips.measure(workload: "W2r", placement: .remote)
    }
}
