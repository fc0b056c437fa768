import ScoopCore
import Synchronization

/// The untyped state of one future owned by this process: its phase, its
/// outcome, who waits for it and what to call when it completes.
///
/// Thread-safe: every field is behind the mutex; continuations and callbacks
/// run outside it. Completion happens exactly once: later completions (a late
/// duplicate result, a result after cancel or timeout, a result re-run after
/// a worker loss) are ignored.
final class FutureCore: Sendable {
    typealias Outcome = Swift.Result<any Sendable, any Error>

    enum Phase: Sendable { case pending, running, done }

    let id: FutureID
    let functionName: String

    private struct State {
        var phase: Phase = .pending
        var outcome: Outcome?
        /// ``Future/cancel()`` completed it.
        var cancelled = false
        /// Cancelled or timed out: a task attached later is cancelled at once.
        var stopped = false
        /// A time limit is armed (its awaiting parent must not run it inline).
        var hasDeadline = false
        var waiters = Waiters()
        var nextWaiterID: UInt64 = 0
        var callbacks: [@Sendable () -> Void] = []
        /// The Swift task running this future here, for cancellation.
        var task: Task<Void, Never>?
        /// What to do when cancelled while not running here (tell the broker).
        var onCancel: (@Sendable () -> Void)?
        /// The future's function and arguments, kept to decode a result that
        /// comes back from elsewhere; released at completion, so that a
        /// `Future` held after it finished does not keep its arguments alive.
        var call: (any LocalCall)?
    }
    private let state: Mutex<State>

    init(id: FutureID, functionName: String, call: any LocalCall) {
        self.id = id
        self.functionName = functionName
        var initial = State()
        initial.call = call
        state = Mutex(initial)
    }

    /// Turns a result envelope's payload into the typed value (futures that
    /// ran elsewhere). A future already complete has nothing to decode with:
    /// the failure returned is then ignored by ``complete(_:)``.
    func decodeResult(_ payload: [UInt8], _ failed: Bool) -> Outcome {
        guard let call = state.withLock({ $0.call }) else {
            return .failure(ScoopError.internalInconsistency("a result for future \(id), which is already complete"))
        }
        return call.decodeResult(payload, failed: failed)
    }

    var phase: Phase { state.withLock { $0.phase } }
    var outcome: Outcome? { state.withLock { $0.outcome } }
    var isCancelled: Bool { state.withLock { $0.cancelled } }
    var hasDeadline: Bool { state.withLock { $0.hasDeadline } }

    /// Marks that a time limit now watches this future.
    func markDeadline() { state.withLock { $0.hasDeadline = true } }

    /// Marks the future running. Returns false if it was cancelled meanwhile.
    func markRunning() -> Bool {
        state.withLock {
            guard $0.phase == .pending else { return false }
            $0.phase = .running
            return true
        }
    }

    /// Remembers the task running this future; cancels it at once if the
    /// future was cancelled before the task was known.
    func attach(_ task: Task<Void, Never>) {
        let cancelNow: Bool = state.withLock {
            if $0.stopped { return true }
            if $0.phase != .done { $0.task = task }
            return false
        }
        if cancelNow { task.cancel() }
    }

    /// Sets what cancelling must do while the future runs elsewhere.
    func setCancelHandler(_ handler: (@Sendable () -> Void)?) {
        state.withLock { $0.onCancel = handler }
    }

    /// Completes the future. Returns false if it was already complete.
    @discardableResult
    func complete(_ outcome: Outcome) -> Bool {
        // The call (arguments) is released after the lock, with the rest taken out.
        let taken: (waiters: Waiters, callbacks: [@Sendable () -> Void], call: (any LocalCall)?)? = state.withLock {
            guard $0.phase != .done else { return nil }
            $0.phase = .done
            $0.outcome = outcome
            $0.task = nil
            $0.onCancel = nil
            let taken = ($0.waiters, $0.callbacks, $0.call)
            $0.waiters = Waiters()
            $0.callbacks = []
            $0.call = nil
            return taken
        }
        guard let taken else { return false }
        taken.waiters.forEach { $0.resume(returning: outcome) }
        for callback in taken.callbacks { callback() }
        return true
    }

    /// Cancels: completes with `CancellationError` and stops the work wherever it is.
    /// Returns false if the future was already done.
    func cancel() -> Bool {
        abort(with: CancellationError(), cancelling: true)
    }

    /// Completes with `error` (a timeout, a cancellation) and stops the work
    /// wherever it is: the local task is cancelled, a future that left this
    /// process is cancelled through the broker. Returns false if already done.
    @discardableResult
    func abort(with error: any Error, cancelling: Bool = false) -> Bool {
        let work: (task: Task<Void, Never>?, handler: (@Sendable () -> Void)?)? = state.withLock {
            guard $0.phase != .done else { return nil }
            $0.stopped = true
            if cancelling { $0.cancelled = true }
            return ($0.task, $0.onCancel)
        }
        guard let work else { return false }
        complete(.failure(error))
        work.task?.cancel()
        work.handler?()
        return true
    }

    /// Runs `callback` once when the future completes (at once if it already has).
    func onCompletion(_ callback: @escaping @Sendable () -> Void) {
        let runNow: Bool = state.withLock {
            if $0.phase == .done { return true }
            $0.callbacks.append(callback)
            return false
        }
        if runNow { callback() }
    }

    /// Waits for the outcome. If the waiting task is cancelled, returns a
    /// `CancellationError` failure (the future itself keeps running).
    func wait() async -> Outcome {
        switch beginWait() {
        case .ready(let outcome): return outcome
        case .suspend(let waiterID): return await suspend(as: waiterID)
        }
    }

    /// Waits at most `timeout`; returns nil when it elapsed first.
    ///
    /// The timer starts once the waiter is registered: a timer that fired
    /// before would find no waiter to resume, and the wait would last until
    /// the future completed (with a tiny timeout, possibly never).
    func wait(timeout: Duration) async -> Outcome? {
        let waiterID: UInt64
        switch beginWait() {
        case .ready(let outcome): return outcome
        case .suspend(let id): waiterID = id
        }
        let timer = Mutex<Task<Void, Never>?>(nil)
        let outcome = await suspend(as: waiterID) {
            let task = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                if Task.isCancelled { return }
                self?.resumeWaiter(waiterID, with: .failure(TimeoutSignal()))
            }
            timer.withLock { $0 = task }
        }
        timer.withLock { $0?.cancel() }
        if case .failure(let error) = outcome, error is TimeoutSignal { return nil }
        return outcome
    }

    /// One lock for both questions: is it done, and if not, which waiter am I.
    private func beginWait() -> WaitStart {
        state.withLock { state in
            if let outcome = state.outcome { return .ready(outcome) }
            state.nextWaiterID += 1
            return .suspend(waiterID: state.nextWaiterID)
        }
    }

    /// Suspends until the outcome, a cancellation of the waiting task, or
    /// `resumeWaiter(waiterID:)` from a timer.
    ///
    /// The continuation is resumed exactly once, which is why an unchecked
    /// one is enough (a checked one costs an allocation per wait): it is
    /// either resumed here at once (the outcome was already there) or stored
    /// in `waiters`, and only the caller that removes it from `waiters`
    /// under the lock (`complete` or `resumeWaiter`) resumes it.
    ///
    /// `registered` runs once the waiter is registered (not when the outcome
    /// was already there), before the waiting task can resume.
    private func suspend(as waiterID: UInt64, registered: (() -> Void)? = nil) async -> Outcome {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Outcome, Never>) in
                let ready: Outcome? = state.withLock {
                    if let outcome = $0.outcome { return outcome }
                    $0.waiters.add(waiterID, continuation)
                    return nil
                }
                if let ready {
                    continuation.resume(returning: ready)
                    return
                }
                registered?()
                if Task.isCancelled {
                    // The cancellation handler may have run before the waiter was registered.
                    resumeWaiter(waiterID, with: .failure(CancellationError()))
                }
            }
        } onCancel: {
            resumeWaiter(waiterID, with: .failure(CancellationError()))
        }
    }

    private func resumeWaiter(_ waiterID: UInt64, with outcome: Outcome) {
        let continuation = state.withLock { $0.waiters.remove(waiterID) }
        continuation?.resume(returning: outcome)
    }
}

/// Internal marker: a bounded wait elapsed.
struct TimeoutSignal: Error {}

/// How a wait begins: the outcome is there, or the waiter's id to suspend with.
private enum WaitStart {
    case ready(FutureCore.Outcome)
    case suspend(waiterID: UInt64)
}

/// The tasks waiting for one future: nearly always one, kept inline (an
/// array would be allocated for every awaited future), more in an array.
struct Waiters: Sendable {
    typealias Continuation = UnsafeContinuation<FutureCore.Outcome, Never>
    private var first: (id: UInt64, continuation: Continuation)?
    private var others: [(id: UInt64, continuation: Continuation)] = []

    mutating func add(_ id: UInt64, _ continuation: Continuation) {
        if first == nil { first = (id, continuation) } else { others.append((id, continuation)) }
    }

    /// Removes the waiter `id`; nil if it is not waiting (already resumed).
    mutating func remove(_ id: UInt64) -> Continuation? {
        if let waiter = first, waiter.id == id {
            first = others.isEmpty ? nil : others.removeFirst()
            return waiter.continuation
        }
        guard let index = others.firstIndex(where: { $0.id == id }) else { return nil }
        return others.remove(at: index).continuation
    }

    /// Calls `body` with every waiter, oldest first.
    func forEach(_ body: (Continuation) -> Void) {
        if let first { body(first.continuation) }
        for waiter in others { body(waiter.continuation) }
    }
}
