import ScoopCore

/// A value being computed somewhere in the pool: returned at once by
/// ``Futures/submit(_:_:)``, awaited for its result.
///
/// ```swift
/// let future = try Futures.submit(square, 7)
/// let value = try await future.value                   // 49
/// let soon = try await future.value(timeout: .seconds(1))
/// future.onCompletion { f in print("done:", f.isDone) }
/// ```
///
/// Awaiting inside a task never blocks a thread: the task suspends and its
/// worker runs other futures meanwhile (or runs the awaited one itself if it
/// has not started yet).
public final class Future<Value: Sendable>: Sendable, Hashable, CustomStringConvertible {
    let core: FutureCore
    let node: Node

    init(core: FutureCore, node: Node) {
        self.core = core
        self.node = node
    }

    /// The future's id, unique in the run.
    public var id: FutureID { core.id }

    /// The result: waits for it; throws the task's error, or `CancellationError`
    /// if the future (or the awaiting task) was cancelled.
    public var value: Value {
        get async throws {
            let outcome: FutureCore.Outcome
            if let done = core.outcome {
                outcome = done
            } else if let context = TaskContext.current, context.node === node {
                outcome = await node.awaitChild(core)
            } else {
                outcome = await core.wait()
            }
            return try Self.unwrap(outcome)
        }
    }

    /// The result, waiting at most `timeout`. Throws ``ScoopError/timeout(_:)``
    /// when it elapses; the future keeps running and can be awaited again.
    public func value(timeout: Duration) async throws -> Value {
        if let done = core.outcome { return try Self.unwrap(done) }
        let outcome: FutureCore.Outcome?
        if let context = TaskContext.current, context.node === node {
            outcome = await node.awaitChild(core, timeout: timeout)
        } else {
            outcome = await core.wait(timeout: timeout)
        }
        guard let outcome else {
            throw ScoopError.timeout("future \(id) of task '\(core.functionName)' did not complete within \(timeout)")
        }
        return try Self.unwrap(outcome)
    }

    /// Whether the future has completed (with a value, an error, or cancelled).
    public var isDone: Bool { core.phase == .done }
    /// Whether the future has started running here or has left this process to run elsewhere.
    public var isRunning: Bool { core.phase == .running }
    /// Whether ``cancel()`` completed the future.
    public var isCancelled: Bool { core.isCancelled }

    /// The outcome, if done.
    public var result: Result<Value, any Error>? {
        core.outcome.map { outcome in Result { try Self.unwrap(outcome) } }
    }

    /// The error, if the future is done and failed (or was cancelled).
    public var error: (any Error)? {
        if case .failure(let error)? = result { return error }
        return nil
    }

    /// Cancels the future. A pending one is done at once and never runs; a
    /// running one receives Swift task cancellation where it runs — except
    /// one the program's body is running inline while it awaits it (see
    /// `docs/architecture.md`, deferred starts), which runs to its end and
    /// whose result is dropped. Whoever awaits it gets `CancellationError`.
    /// Returns false if it was already done.
    @discardableResult
    public func cancel() -> Bool {
        node.cancel(core)
    }

    /// Calls `callback` exactly once, in this process, when the future completes
    /// (at once if it already has). Callbacks must be quick; they run on the
    /// thread that completes the future.
    public func onCompletion(_ callback: @escaping @Sendable (Future<Value>) -> Void) {
        core.onCompletion { callback(self) }
    }

    static func unwrap(_ outcome: FutureCore.Outcome) throws -> Value {
        switch outcome {
        case .success(let value):
            guard let typed = value as? Value else {
                throw ScoopError.internalInconsistency("future produced \(type(of: value)), expected \(Value.self)")
            }
            return typed
        case .failure(let error):
            throw error
        }
    }

    public static func == (a: Future, b: Future) -> Bool { a.core === b.core }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(core)) }
    public var description: String { "Future(\(id), \(core.functionName), \(core.phase))" }
}
