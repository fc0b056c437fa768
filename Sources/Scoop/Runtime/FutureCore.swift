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
    /// Turns a result envelope's payload into the typed value (remote futures).
    let decodeResult: @Sendable (_ payload: [UInt8], _ failed: Bool) -> Outcome

    private struct State {
        var phase: Phase = .pending
        var outcome: Outcome?
        /// ``Future/cancel()`` completed it.
        var cancelled = false
        /// Cancelled or timed out: a task attached later is cancelled at once.
        var stopped = false
        /// A time limit is armed (its awaiting parent must not run it inline).
        var hasDeadline = false
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Outcome, Never>)] = []
        var nextWaiterID: UInt64 = 0
        var callbacks: [@Sendable () -> Void] = []
        /// The Swift task running this future here, for cancellation.
        var task: Task<Void, Never>?
        /// What to do when cancelled while not running here (tell the broker).
        var onCancel: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    init(id: FutureID, functionName: String,
         decodeResult: @escaping @Sendable (_ payload: [UInt8], _ failed: Bool) -> Outcome) {
        self.id = id
        self.functionName = functionName
        self.decodeResult = decodeResult
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
        let taken: (waiters: [CheckedContinuation<Outcome, Never>], callbacks: [@Sendable () -> Void])? = state.withLock {
            guard $0.phase != .done else { return nil }
            $0.phase = .done
            $0.outcome = outcome
            $0.task = nil
            $0.onCancel = nil
            let waiters = $0.waiters.map(\.continuation)
            let callbacks = $0.callbacks
            $0.waiters = []
            $0.callbacks = []
            return (waiters, callbacks)
        }
        guard let taken else { return false }
        for waiter in taken.waiters { waiter.resume(returning: outcome) }
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
        if let outcome = state.withLock({ $0.outcome }) { return outcome }
        let waiterID = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await suspend(as: waiterID)
    }

    /// Waits at most `timeout`; returns nil when it elapsed first.
    func wait(timeout: Duration) async -> Outcome? {
        if let outcome = state.withLock({ $0.outcome }) { return outcome }
        let waiterID = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            if Task.isCancelled { return }
            self?.resumeWaiter(waiterID, with: .failure(TimeoutSignal()))
        }
        let outcome = await suspend(as: waiterID)
        timer.cancel()
        if case .failure(let error) = outcome, error is TimeoutSignal { return nil }
        return outcome
    }

    /// Suspends until the outcome, a cancellation of the waiting task, or
    /// `resumeWaiter(waiterID:)` from a timer.
    private func suspend(as waiterID: UInt64) async -> Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let ready: Outcome? = state.withLock {
                    if let outcome = $0.outcome { return outcome }
                    $0.waiters.append((waiterID, continuation))
                    return nil
                }
                if let ready {
                    continuation.resume(returning: ready)
                } else if Task.isCancelled {
                    // The cancellation handler may have run before the waiter was registered.
                    resumeWaiter(waiterID, with: .failure(CancellationError()))
                }
            }
        } onCancel: {
            resumeWaiter(waiterID, with: .failure(CancellationError()))
        }
    }

    private func resumeWaiter(_ waiterID: UInt64, with outcome: Outcome) {
        let continuation: CheckedContinuation<Outcome, Never>? = state.withLock {
            guard let index = $0.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
            return $0.waiters.remove(at: index).continuation
        }
        continuation?.resume(returning: outcome)
    }
}

/// Internal marker: a bounded wait elapsed.
struct TimeoutSignal: Error {}
