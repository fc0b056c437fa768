import Synchronization

/// A time limit over one future or over every chunk of a map.
///
/// When `limit` elapses, each core still not done fails with
/// ``ScoopError/timedOut(function:limit:)`` and its work is stopped: removed
/// from this process's queue, its local task cancelled, or (when it left this
/// process) a cancel sent to the broker, which drops a queued copy or forwards
/// the cancel to the worker running it. A result arriving afterwards finds
/// the future complete and is ignored. The timer ends early once every core
/// is done.
enum Deadline {
    static func arm(_ cores: [FutureCore], on node: Node, limit: Duration, function: String) {
        guard !cores.isEmpty else { return }
        for core in cores { core.markDeadline() }
        let timer = Task {
            do {
                try await Task.sleep(for: limit)
            } catch {
                return  // every core completed first
            }
            for core in cores where core.phase != .done {
                _ = node.removeQueued(core.id)
                core.abort(with: ScoopError.timedOut(function: function, limit: limit))
            }
        }
        let remaining = Atomic<Int>(cores.count)
        for core in cores {
            core.onCompletion {
                if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { timer.cancel() }
            }
        }
    }

    /// Checks a caller's limit.
    static func validate(_ limit: Duration?) throws {
        if let limit, limit <= .zero {
            throw ScoopError.invalidArgument("timeout must be positive (got \(limit))")
        }
    }
}
