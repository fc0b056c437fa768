/// What one workload measured, before the run's common fields are added.
struct BenchResult: Sendable {
    var workload: String
    var n: Int
    var seconds: Double
    var metric: String
    var value: Double
    var ok: Bool
    /// Workload-specific fields, printed after the common ones in this order.
    var extras: [(key: String, value: JSONValue)] = []
    /// Why `ok` is false (verification failure, error, deadlock).
    var error: String?

    init(workload: String, n: Int, seconds: Double, metric: String, value: Double, ok: Bool,
         extras: [(key: String, value: JSONValue)] = [], error: String? = nil) {
        self.workload = workload
        self.n = n
        self.seconds = seconds
        self.metric = metric
        self.value = value
        self.ok = ok
        self.extras = extras
        self.error = error
    }

    /// A workload that threw instead of producing a measurement.
    static func failed(_ workload: String, n: Int, metric: String, error: any Error) -> BenchResult {
        BenchResult(workload: workload, n: n, seconds: 0, metric: metric, value: 0, ok: false,
                    error: String(describing: error))
    }
}
