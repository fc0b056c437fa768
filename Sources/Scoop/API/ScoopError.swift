import ScoopCore

/// The errors swift-scoop itself throws. Each description says what happened
/// and what to do about it.
public enum ScoopError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A function was submitted that was not passed to `Pool.run(functions:)`.
    case unregisteredFunction(String)
    /// The API was used before `Pool.run` started the runtime (or after it ended).
    case notStarted(String)
    /// Waiting for something took longer than the timeout given.
    case timeout(String)
    /// A shared constant was set twice.
    case constantAlreadySet(String)
    /// A shared constant's value has another type than asked for.
    case constantTypeMismatch(name: String, detail: String)
    /// An argument or result could not be encoded or decoded.
    case codec(String)
    /// A call's arguments make no sense (empty input without identity, bad sizes...).
    case invalidArgument(String)
    /// The pool is gone: the broker or the origin died, or the run is shutting down.
    case poolUnavailable(String)
    /// A future (or a whole map) with a time limit did not complete within
    /// it: it was failed, and its remote execution cancelled (see
    /// ``Futures/submit(_:_:timeout:)``). A result arriving later is ignored.
    case timedOut(function: String, limit: Duration)
    /// A future was in flight on `limit` workers that were all lost (their
    /// processes died or stopped answering): the broker failed it rather than
    /// let it kill one more worker. `workers` are the lost ones, oldest first.
    case workersLost(function: String, future: FutureID, workers: [LostWorker], limit: Int)
    /// A bug in swift-scoop: please report it.
    case internalInconsistency(String)
    /// A task, result or constant is larger than the pool's message size limit.
    case messageTooLarge(String)

    public var description: String {
        switch self {
        case .unregisteredFunction(let name):
            "task function '\(name)' is not registered: pass it to Pool.run(functions: [..., \(name)]) so that every process knows it"
        case .notStarted(let call):
            "\(call) was called outside a running pool: start the runtime with `try await Pool.run(functions: [...]) { ... }` and call it from its body or from a task"
        case .timeout(let what):
            "timed out: \(what)"
        case .constantAlreadySet(let name):
            "shared constant '\(name)' is already set: constants are write-once"
        case .constantTypeMismatch(let name, let detail):
            "shared constant '\(name)' has another type than requested: \(detail)"
        case .codec(let detail):
            "could not encode or decode a value: \(detail)"
        case .invalidArgument(let detail):
            "invalid argument: \(detail)"
        case .poolUnavailable(let detail):
            "the pool is unavailable: \(detail)"
        case .timedOut(let function, let limit):
            "task '\(function)' did not complete within its time limit of \(limit): it was cancelled"
        case .workersLost(let function, let future, let workers, let limit):
            "task '\(function)' (future \(future)) was running on \(workers.count) workers that were all lost "
                + "(\(workers.map(\.description).joined(separator: ", "))); after \(limit) lost workers a future is failed, "
                + "not retried: it probably crashes or hangs its worker (raise the limit with SCOOP_MAX_WORKER_LOSSES or --max-worker-losses)"
        case .internalInconsistency(let detail):
            "internal error in swift-scoop (please report): \(detail)"
        case .messageTooLarge(let detail):
            "message too large: \(detail); raise the limit with `scoop run --max-message-size BYTES` (or SCOOP_MAX_MESSAGE_SIZE), or send less per future"
        }
    }
}
