import Synchronization

/// Prints one JSON line per workload, in the documented field order, and
/// remembers whether every result was verified.
final class Reporter: Sendable {
    static let system = "swift-scoop"

    private struct State {
        var workers = 0
        var transport = "none"
        var failures: [String] = []
    }
    private let state = Mutex(State())

    /// The pool's facts, known once the body runs (`Pool.size`, `Pool.transport`).
    func setPool(workers: Int, transport: String) {
        state.withLock {
            $0.workers = workers
            $0.transport = transport
        }
    }

    var allOK: Bool { state.withLock { $0.failures.isEmpty } }
    var failures: [String] { state.withLock { $0.failures } }

    /// The JSON line of `result` with the common fields.
    func line(for result: BenchResult) -> JSONLine {
        let (workers, transport) = state.withLock { ($0.workers, $0.transport) }
        var line = JSONLine()
        line["system"] = .string(Self.system)
        line["workload"] = .string(result.workload)
        line["n"] = .int(result.n)
        line["workers"] = .int(workers)
        line["seconds"] = .double(result.seconds)
        line["metric"] = .string(result.metric)
        line["value"] = .double(result.value)
        line["ok"] = .bool(result.ok)
        line["transport"] = .string(transport)
        for extra in result.extras { line[extra.key] = extra.value }
        if let error = result.error { line["error"] = .string(error) }
        return line
    }

    /// Prints `result` on stdout at once.
    func emit(_ result: BenchResult) {
        if !result.ok {
            state.withLock { $0.failures.append("\(result.workload): \(result.error ?? "verification failed")") }
        }
        StandardStreams.out(line(for: result).description)
    }
}
