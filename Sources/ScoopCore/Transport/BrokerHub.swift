import Logging
import Synchronization

/// A broker that lives inside a process: ``BrokerCore`` behind a lock, with a
/// delivery route per member. MPI's rank 0 (the origin and the scheduler)
/// and the in-memory test cluster use it; the ZeroMQ broker drives the same
/// core from its socket thread instead.
///
/// Thread-safe. Sends are computed under the lock and delivered after it is
/// released, so a route may feed envelopes straight back into the hub; they
/// are delivered in the order the core computed them, by one thread at a
/// time (see ``Outbox``), so that, say, a share request never overtakes a
/// task the core sent the same worker before it. Routes must not block.
public final class BrokerHub: Sendable {
    private let core: Mutex<BrokerCore>
    private let routes = Mutex<[WorkerID: @Sendable (Envelope) -> Void]>([:])
    /// Sends waiting for delivery, in the order the core computed them, and
    /// whether a thread is delivering. Filled under the core's lock (the
    /// only nesting: core, then outbox); emptied by the delivering thread.
    private struct Outbox {
        var pending: [BrokerCore.Send] = []
        var delivering = false
        /// ``flush()`` calls waiting for the outbox to empty.
        var flushWaiters: [OnceSignal] = []
    }
    private let outbox = Mutex(Outbox())
    private let logger: Logger
    private let memberWaiters = Mutex<[(count: Int, signal: OnceSignal)]>([])
    private let eventHandler = Mutex(EventHandlerSlot())

    public init(workerCount: Int, maxWorkerLosses: Int = BrokerCore.defaultMaxWorkerLosses, logger: Logger) {
        self.core = Mutex(BrokerCore(expectedBuild: nil, workerCount: workerCount, maxWorkerLosses: maxWorkerLosses))
        self.logger = logger
    }

    /// ``flush()`` calls waiting now (tests).
    var flushWaiterCount: Int { outbox.withLock { $0.flushWaiters.count } }

    /// Futures sent ahead that their holder has not reported started (tests).
    var heldAheadCount: Int { core.withLock { $0.scheduler.heldAhead.count } }

    /// Says how to reach `worker` (before it sends its join).
    public func attach(_ worker: WorkerID, route: @escaping @Sendable (Envelope) -> Void) {
        routes.withLock { $0[worker] = route }
    }

    /// Handles an envelope from `peer`. What the core sends in answer may
    /// still be on its way when this returns (another thread delivers it,
    /// in order); ``flush()`` waits until everything has been handed to its route.
    public func receive(_ envelope: Envelope, from peer: WorkerID) {
        if envelope.kind == .event, let handler = eventHandler.withLock({ $0.handler }) { handler(envelope, peer) }
        let notices = core.withLock { core in
            post(core.receive(envelope, from: peer))
            return core.takeNotices()
        }
        log(notices)
        deliverPending()
        if notices.contains(where: { if case .joined = $0 { true } else { false } }) { notifyMemberWaiters() }
    }

    /// A member is gone: its futures are re-queued.
    public func remove(_ peer: WorkerID) {
        let notices = core.withLock { core in
            post(core.remove(peer))
            return core.takeNotices()
        }
        log(notices)
        deliverPending()
    }

    /// Waits until `count` members have joined (MPI's rank 0 waits for every
    /// rank before it finalizes: a rank that joins after that would never be
    /// answered). Returns false if `timeout` elapsed first.
    public func waitForMembers(_ count: Int, timeout: Duration) async -> Bool {
        let waiter = OnceSignal()
        memberWaiters.withLock { $0.append((count, waiter)) }
        notifyMemberWaiters()
        let timer = Task {
            try? await Task.sleep(for: timeout)
            waiter.fire()
        }
        await waiter.wait()
        timer.cancel()
        return core.withLock { $0.members.count >= count }
    }

    private func notifyMemberWaiters() {
        let members = core.withLock { $0.members.count }
        let ready = memberWaiters.withLock { waiters -> [OnceSignal] in
            let ready = waiters.filter { $0.count <= members }.map(\.signal)
            waiters.removeAll { $0.count <= members }
            return ready
        }
        for signal in ready { signal.fire() }
    }

    /// Returns once every send computed so far has been handed to its
    /// route: before the process stops the transport under the routes
    /// (MPI's rank 0 finalizes right after the shutdown broadcast), or a
    /// send another thread was still delivering would be lost.
    public func flush() async {
        let signal = OnceSignal()
        let waits = outbox.withLock { box -> Bool in
            guard box.delivering || !box.pending.isEmpty else { return false }
            box.flushWaiters.append(signal)
            return true
        }
        guard waits else { return }
        // Nobody may be delivering yet (a poster between its post and its
        // delivery): deliver here; else the deliverer signals when done.
        deliverPending()
        await signal.wait()
    }

    /// Whether the origin has ended the run.
    public var isShutDown: Bool { core.withLock { $0.isShutDown } }

    /// Counters for the run summary.
    public var counters: BrokerCore.Counters { core.withLock { $0.counters } }

    /// Futures waiting in the queue now, and the most seen at once (traces, run summary).
    public var queueLength: Int { core.withLock { $0.scheduler.queue.count } }
    public var peakQueueLength: Int { core.withLock { $0.scheduler.peakQueueLength } }

    /// The queue, credits and in-flight futures on one line, or nil when
    /// nothing is queued or running (see ``BrokerScheduler/outstandingWork``).
    public var outstandingWork: String? { core.withLock { $0.scheduler.outstandingWork } }

    /// Calls `handler` with every `.event` envelope (trace batches) a member sends,
    /// on the thread that delivers it; it must return quickly.
    public func setEventHandler(_ handler: @escaping @Sendable (Envelope, WorkerID) -> Void) {
        eventHandler.withLock { $0.handler = handler }
    }

    /// Queues sends for delivery. Call with the core's lock held: that
    /// makes the queue's order the order the core computed them in.
    private func post(_ sends: [BrokerCore.Send]) {
        guard !sends.isEmpty else { return }
        outbox.withLock { $0.pending.append(contentsOf: sends) }
    }

    /// Delivers what is queued, unless another thread is delivering: that
    /// one takes these too, after what it took before, so delivery keeps
    /// the core's order. A route that feeds the hub again (on this thread)
    /// only queues; this loop delivers that next.
    private func deliverPending() {
        let isDeliverer = outbox.withLock { box -> Bool in
            guard !box.delivering, !box.pending.isEmpty else { return false }
            box.delivering = true
            return true
        }
        guard isDeliverer else { return }
        while true {
            let (batch, flushed) = outbox.withLock { box -> ([BrokerCore.Send], [OnceSignal]) in
                guard box.pending.isEmpty else {
                    defer { box.pending = [] }
                    return (box.pending, [])
                }
                box.delivering = false
                defer { box.flushWaiters = [] }
                return ([], box.flushWaiters)
            }
            if batch.isEmpty {
                for signal in flushed { signal.fire() }
                return
            }
            let table = routes.withLock { $0 }
            for send in batch {
                guard let route = table[send.worker] else {
                    logger.warning("no route to worker \(send.worker.rawValue); \(send.envelope.kind) dropped")
                    continue
                }
                route(send.envelope)
            }
        }
    }

    private func log(_ notices: [BrokerCore.Notice]) {
        for notice in notices {
            switch notice {
            case .refused(let reason): logger.error("refused a join: \(reason)")
            case .dropped(let reason, let detail): logger.warning("dropped (\(reason)): \(detail)")
            case .cutOff(let peer): logger.error("\(peer) sent too many malformed messages: ignored from now on")
            case .originLost: logger.error("the origin was lost: ending the run")
            case .workerLost(let worker, let requeued):
                logger.warning("\(worker) declared lost: \(requeued) future(s) in flight on it re-queued")
            case .futureFailed(let future, let workers):
                logger.error("future \(future) failed: it was in flight on \(workers.count) lost workers")
            case .noOtherWorker(let future):
                logger.error("future \(future) failed: it must run in another process, and no other worker is left in the pool")
            case .joined, .shutdown: break
            }
        }
    }
}

/// A signal fired at most once and awaited by one task.
final class OnceSignal: Sendable {
    private let state = Mutex<(fired: Bool, continuation: CheckedContinuation<Void, Never>?)>((false, nil))

    func fire() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.fired else { return nil }
            state.fired = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.fired { return true }
                state.continuation = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
