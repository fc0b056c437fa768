import CZeroMQ
import Dispatch
import Logging
import Synchronization

/// The part of a ``ZMQEventLoop`` that every thread touches: the command
/// queue behind a `Mutex`, the wake-up descriptor and atomic counters.
final class EventLoopShared: Sendable {
    struct State {
        var commands: [EventLoopCommand] = []
        /// True from the first command after a drain until the next drain:
        /// only that first command pays for a wake-up write.
        var wakePending = false
        /// Set once by the first stop request, with the linger for closing.
        var stopLinger: Duration?
        var nextSocketID = 0
    }

    let state = Mutex(State())
    let wakeup: WakeupSignal
    let logger: Logger
    /// `scoop_thread_self()` of the loop thread, 0 until it runs.
    let loopThread = Atomic<UInt>(0)
    let running = Atomic<Bool>(true)
    /// Signalled once when the loop thread is done; waiters pass it on.
    let exited = DispatchSemaphore(value: 0)

    let queued = Atomic<Int>(0)
    let sent = Atomic<Int>(0)
    let received = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)

    init(wakeup: WakeupSignal, logger: Logger) {
        self.wakeup = wakeup
        self.logger = logger
    }

    var isOnLoopThread: Bool { loopThread.load(ordering: .acquiring) == scoop_thread_self() }

    /// Appends the commands built by `make` (given fresh socket ids on
    /// request) unless the loop is stopping; wakes the loop if it may sleep.
    /// `messageCount` is added to the queued counter when accepted.
    ///
    /// The loop thread itself (a callback replying) never writes the wake-up
    /// descriptor: the runner takes commands again after its callbacks and
    /// polls without sleeping while any are left.
    func enqueue<R>(
        messageCount: Int = 0,
        _ make: (inout Int) -> (commands: [EventLoopCommand], result: R)
    ) -> R? {
        let fromLoopThread = isOnLoopThread
        let (result, wake): (R?, Bool) = state.withLock { state in
            guard state.stopLinger == nil else { return (nil, false) }
            let (commands, result) = make(&state.nextSocketID)
            state.commands.append(contentsOf: commands)
            queued.add(messageCount, ordering: .relaxed)
            guard !fromLoopThread && !state.wakePending else { return (result, false) }
            state.wakePending = true
            return (result, true)
        }
        if wake { wakeup.signal() }
        return result
    }

    /// Called by the loop thread after draining the wake-up descriptor.
    func takeCommands() -> (commands: [EventLoopCommand], stopLinger: Duration?) {
        state.withLock { state in
            state.wakePending = false
            var commands: [EventLoopCommand] = []
            swap(&commands, &state.commands)
            return (commands, state.stopLinger)
        }
    }

    /// Whether commands are waiting (the loop thread checks before sleeping).
    var hasCommands: Bool { state.withLock { !$0.commands.isEmpty } }

    /// Asks the loop to stop; later sends are refused. True for the first request.
    @discardableResult
    func requestStop(linger: Duration) -> Bool {
        let first = state.withLock { state in
            guard state.stopLinger == nil else { return false }
            state.stopLinger = linger
            return true
        }
        if first { wakeup.signal() }
        return first
    }

    /// Blocks until the loop thread has finished.
    func waitForExit() {
        exited.wait()
        exited.signal()  // let the next waiter through too
    }

    /// Called last by the loop thread.
    func markExited() {
        loopThread.store(0, ordering: .releasing)  // thread ids are reused
        running.store(false, ordering: .releasing)
        exited.signal()
    }
}
