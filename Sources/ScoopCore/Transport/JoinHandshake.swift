import Synchronization

/// A process's wait for the broker's answer to its join: finished once, by
/// the welcome, the refusal, or a timeout, whichever comes first. Every
/// ``NodeTransport`` uses it in its `start(delegate:)`.
///
/// ```swift
/// let handshake = JoinHandshake()
/// try await handshake.perform { send(joinEnvelope) }   // returns on `accept()`
/// // on the I/O thread: handshake.accept() or handshake.fail(JoinRefused(reason: text))
/// ```
public final class JoinHandshake: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, any Error>)
        case finished(Result<Void, any Error>)
    }
    private let state = Mutex(State.idle)

    public init() {}

    /// Runs `send` (which sends the join) and waits for the answer.
    public func perform(_ send: () -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let early: Result<Void, any Error>? = state.withLock { state in
                if case .finished(let result) = state { return result }
                state = .waiting(continuation)
                return nil
            }
            if let early {
                continuation.resume(with: early)
            } else {
                send()
            }
        }
    }

    /// The broker welcomed this process.
    public func accept() { finish(.success(())) }

    /// The broker refused this process, or did not answer in time.
    public func fail(_ error: any Error) { finish(.failure(error)) }

    /// Whether the broker has welcomed this process.
    public var isAccepted: Bool {
        state.withLock { if case .finished(.success) = $0 { true } else { false } }
    }

    private func finish(_ result: Result<Void, any Error>) {
        let continuation: CheckedContinuation<Void, any Error>? = state.withLock { state in
            switch state {
            case .finished:
                return nil
            case .waiting(let continuation):
                state = .finished(result)
                return continuation
            case .idle:
                state = .finished(result)
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}
