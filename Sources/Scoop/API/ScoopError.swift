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
    /// A bug in swift-scoop: please report it.
    case internalInconsistency(String)

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
        case .internalInconsistency(let detail):
            "internal error in swift-scoop (please report): \(detail)"
        }
    }
}
