import DequeModule

/// The broker's scheduling state: a FIFO of futures no worker has taken yet,
/// the workers' credits (for idle slots, and asked ahead by busy workers),
/// and what each worker runs or holds.
///
/// Pure logic: it routes ``Envelope``s without decoding their payloads and
/// returns the sends to perform, so each transport (ZeroMQ broker, MPI rank 0,
/// the in-memory test cluster) drives the same code.
///
/// ```swift
/// var broker = BrokerScheduler()
/// broker.join(WorkerID(1))
/// let sends = broker.request(from: WorkerID(1), count: 1)  // nothing queued yet: []
/// let more = broker.submit(task)                            // [Dispatch(to: worker 1, task)]
/// ```
public struct BrokerScheduler {
    /// One envelope to send to one worker.
    public struct Dispatch: Equatable, Sendable {
        public var worker: WorkerID
        public var envelope: Envelope
        public init(worker: WorkerID, envelope: Envelope) {
            self.worker = worker
            self.envelope = envelope
        }
    }

    /// Futures waiting for an idle worker, oldest first.
    public private(set) var queue = Deque<Envelope>()
    /// Idle workers in the order they asked, each with its remaining credits.
    private var idleOrder = Deque<WorkerID>()
    private var credits: [WorkerID: Int] = [:]
    /// Busy workers that asked for futures to hold until a slot frees, in
    /// the order they asked: served only when no idle worker can take a future.
    private var aheadOrder = Deque<WorkerID>()
    private var aheadCredits: [WorkerID: Int] = [:]
    /// Futures sent against credits asked ahead that their worker has not
    /// reported started: a worker lost while holding one did not run it, so
    /// the loss does not count against its retry limit.
    public private(set) var heldAhead: Set<FutureID> = []
    /// Per worker: the futures it was given and has not answered yet (recovery re-queues them).
    public private(set) var inFlight: [WorkerID: [FutureID: Envelope]] = [:]
    /// Where each in-flight future runs.
    private var location: [FutureID: WorkerID] = [:]
    /// Workers currently part of the pool.
    public private(set) var workers: Set<WorkerID> = []
    /// The largest queue length seen (run summary).
    public private(set) var peakQueueLength = 0
    /// Per future: the workers lost while it was in flight on them, oldest
    /// first (the retry limit counts them). Forgotten when the future completes.
    public private(set) var losses: [FutureID: [WorkerID]] = [:]
    /// Workers removed from the pool: futures they own are orphans.
    public private(set) var departed: Set<WorkerID> = []
    /// Futures their owner cancelled while they were in flight on a worker
    /// (the cancel was forwarded there): if that worker gives one back or is
    /// lost before it answers, the future is forgotten, not run again for
    /// an owner that no longer waits for it.
    public private(set) var cancelledInFlight: Set<FutureID> = []

    public init() {}

    /// A worker joined the pool.
    public mutating func join(_ worker: WorkerID) {
        workers.insert(worker)
        inFlight[worker, default: [:]] = inFlight[worker] ?? [:]
    }

    /// A worker submitted a future it could not start soon.
    public mutating func submit(_ task: Envelope) -> [Dispatch] {
        queue.append(task)
        peakQueueLength = max(peakQueueLength, queue.count)
        return match()
    }

    /// A worker asks for `count` more futures it can start now (it is idle),
    /// and `ahead` more it will start when a running one ends.
    public mutating func request(from worker: WorkerID, count: Int, ahead: Int = 0) -> [Dispatch] {
        guard workers.contains(worker), count > 0 || ahead > 0 else { return [] }
        if count > 0 {
            if credits[worker, default: 0] == 0 { idleOrder.append(worker) }
            credits[worker, default: 0] += count
        }
        if ahead > 0 {
            if aheadCredits[worker, default: 0] == 0 { aheadOrder.append(worker) }
            aheadCredits[worker, default: 0] += ahead
        }
        return match()
    }

    /// A worker gives back a future it was sent but cannot start now: it
    /// leaves the worker's in-flight table and goes to the head of the queue.
    /// A future cancelled while in flight there is forgotten instead (see
    /// ``cancelledInFlight``): the cancel and the give-back crossed.
    public mutating func giveBack(_ task: Envelope, from worker: WorkerID) -> [Dispatch] {
        var task = task
        task.flags.remove(.returned)
        task.flags.remove(.sentAhead)
        if location[task.futureID] == worker {
            location[task.futureID] = nil
            inFlight[worker]?[task.futureID] = nil
            heldAhead.remove(task.futureID)
        }
        if cancelledInFlight.remove(task.futureID) != nil {
            losses[task.futureID] = nil
            return []
        }
        queue.prepend(task)
        peakQueueLength = max(peakQueueLength, queue.count)
        return match()
    }

    /// A future finished (its result passed through the broker): forget where it ran.
    /// Returns the worker it ran on, if it was known.
    @discardableResult
    public mutating func completed(_ future: FutureID) -> WorkerID? {
        losses[future] = nil
        heldAhead.remove(future)
        cancelledInFlight.remove(future)
        guard let worker = location.removeValue(forKey: future) else { return nil }
        inFlight[worker]?[future] = nil
        return worker
    }

    /// The worker holding `future`, sent ahead, started it: losing the
    /// worker from now on counts against the future's retry limit.
    public mutating func started(_ future: FutureID) {
        heldAhead.remove(future)
    }

    /// Whether `worker` holds `future` now: it was dispatched there, and
    /// neither completed, given back nor re-queued since. A result or a
    /// give-back from any other worker is stale (a late answer from a worker
    /// declared lost, or a duplicate) and must be dropped.
    public func holds(_ worker: WorkerID, _ future: FutureID) -> Bool { location[future] == worker }

    /// Where a future runs now, if it was dispatched and has not completed.
    public func worker(running future: FutureID) -> WorkerID? { location[future] }

    /// What cancelling a future at the broker did.
    public enum CancelOutcome: Equatable, Sendable {
        /// It was still queued: it never runs.
        case removedFromQueue
        /// It runs on this worker: forward the cancel there.
        case running(on: WorkerID)
        /// The broker does not hold it (finished, or not arrived yet).
        case unknown
    }

    public mutating func cancel(_ future: FutureID) -> CancelOutcome {
        if let index = queue.firstIndex(where: { $0.futureID == future }) {
            queue.remove(at: index)
            losses[future] = nil
            return .removedFromQueue
        }
        if let worker = location[future] {
            cancelledInFlight.insert(future)
            return .running(on: worker)
        }
        return .unknown
    }

    /// Removes the queued futures matching `predicate` and returns them in
    /// queue order, forgetting their loss history (orphans of a lost
    /// worker, futures the broker answers itself).
    public mutating func removeQueued(where predicate: (Envelope) -> Bool) -> [Envelope] {
        guard queue.contains(where: predicate) else { return [] }
        var removed: [Envelope] = []
        var kept = Deque<Envelope>()
        for task in queue {
            if predicate(task) { removed.append(task) } else { kept.append(task) }
        }
        queue = kept
        for task in removed { losses[task.futureID] = nil }
        return removed
    }

    /// What removing a lost worker did (see ``remove(_:maxLosses:)``).
    public struct Removal: Equatable, Sendable {
        /// Futures that were in flight on it and go back to the head of the queue.
        public var requeued: [Envelope] = []
        /// Futures that were in flight on it and have now lost `maxLosses`
        /// workers: not re-queued; each with the workers it lost, oldest first.
        public var exhausted: [(envelope: Envelope, lostWorkers: [WorkerID])] = []
        /// Futures the lost worker had submitted that were still queued: removed,
        /// since nobody awaits their results any more.
        public var orphansDropped: [Envelope] = []
        /// Futures the lost worker had submitted that run on other workers now:
        /// the broker should cancel them there (their results would be dropped).
        public var orphansRunning: [(future: FutureID, worker: WorkerID)] = []
        /// Futures that were in flight on it after their owner cancelled
        /// them: forgotten, not re-queued (nobody waits for them).
        public var cancelledDropped: [Envelope] = []
        /// Queued futures paired with idle workers as a result.
        public var dispatches: [Dispatch] = []

        public static func == (a: Removal, b: Removal) -> Bool {
            a.requeued == b.requeued && a.orphansDropped == b.orphansDropped && a.dispatches == b.dispatches
                && a.cancelledDropped == b.cancelledDropped
                && a.exhausted.map(\.envelope) == b.exhausted.map(\.envelope)
                && a.exhausted.map(\.lostWorkers) == b.exhausted.map(\.lostWorkers)
                && a.orphansRunning.map(\.future) == b.orphansRunning.map(\.future)
                && a.orphansRunning.map(\.worker) == b.orphansRunning.map(\.worker)
        }
    }

    /// A worker left or was declared lost.
    ///
    /// Each future in flight on it records the loss. One that has now lost
    /// `maxLosses` workers is returned as exhausted (it probably kills its
    /// workers: the broker fails it instead of re-queueing it); the others go
    /// back to the head of the queue, oldest first, and are dispatched again.
    /// The worker's own submissions are orphans: nobody awaits them any more,
    /// so queued ones are removed and running ones reported for cancelling.
    ///
    /// ```swift
    /// var broker = BrokerScheduler()
    /// let removal = broker.remove(WorkerID(2), maxLosses: 3)
    /// // removal.requeued: what worker 2 ran; removal.dispatches: where it runs now
    /// ```
    public mutating func remove(_ worker: WorkerID, maxLosses: Int = 3) -> Removal {
        var removal = Removal()
        workers.remove(worker)
        departed.insert(worker)
        credits[worker] = nil
        idleOrder.removeAll { $0 == worker }
        aheadCredits[worker] = nil
        aheadOrder.removeAll { $0 == worker }
        let lost = (inFlight.removeValue(forKey: worker) ?? [:]).values.sorted { $0.futureID < $1.futureID }
        for var envelope in lost {
            location[envelope.futureID] = nil
            envelope.flags.remove(.sentAhead)
            // Held, not started: the worker did not die running it.
            if heldAhead.remove(envelope.futureID) == nil {
                losses[envelope.futureID, default: []].append(worker)
            }
            if departed.contains(envelope.futureID.owner) {
                // Submitted by this worker (or one lost before): nobody awaits it.
                cancelledInFlight.remove(envelope.futureID)
                removal.orphansDropped.append(envelope)
                losses[envelope.futureID] = nil
            } else if cancelledInFlight.remove(envelope.futureID) != nil {
                removal.cancelledDropped.append(envelope)
                losses[envelope.futureID] = nil
            } else if let lostOn = losses[envelope.futureID], lostOn.count >= max(1, maxLosses) {
                removal.exhausted.append((envelope, losses.removeValue(forKey: envelope.futureID) ?? [worker]))
            } else {
                removal.requeued.append(envelope)
            }
        }
        removal.orphansDropped += removeQueued { $0.futureID.owner == worker }
        removal.orphansRunning = location.filter { $0.key.owner == worker }
            .map { (future: $0.key, worker: $0.value) }
            .sorted { $0.future < $1.future }
        // The broker cancels them where they run: one given back is not run again.
        for orphan in removal.orphansRunning { cancelledInFlight.insert(orphan.future) }
        for envelope in removal.requeued.reversed() { queue.prepend(envelope) }
        peakQueueLength = max(peakQueueLength, queue.count)
        removal.dispatches = match()
        return removal
    }

    /// Pairs queued futures with idle workers, oldest with oldest, then with
    /// workers that asked ahead. A future flagged `remoteOnly` never goes
    /// back to the worker that submitted it.
    ///
    /// A task sent against a credit asked ahead carries the flag
    /// `sentAhead`, so the worker knows which of its requests it answers.
    private mutating func match() -> [Dispatch] {
        var sends: [Dispatch] = []
        var skipped = Deque<Envelope>()
        while !queue.isEmpty, !idleOrder.isEmpty || !aheadOrder.isEmpty {
            var task = queue.removeFirst()
            let worker: WorkerID
            if let position = idleOrder.firstIndex(where: { eligible($0, for: task) }) {
                worker = idleOrder[position]
                Self.spendCredit(of: worker, at: position, credits: &credits, order: &idleOrder)
                task.flags.remove(.sentAhead)
            } else if let position = aheadOrder.firstIndex(where: { eligible($0, for: task) }) {
                worker = aheadOrder[position]
                Self.spendCredit(of: worker, at: position, credits: &aheadCredits, order: &aheadOrder)
                // Marked, so that the worker counts the right credit and reports its start.
                task.flags.insert(.sentAhead)
                heldAhead.insert(task.futureID)
            } else {
                skipped.append(task)
                continue
            }
            inFlight[worker, default: [:]][task.futureID] = task
            location[task.futureID] = worker
            sends.append(Dispatch(worker: worker, envelope: task))
        }
        for task in skipped.reversed() { queue.prepend(task) }
        return sends
    }

    private static func spendCredit(of worker: WorkerID, at position: Int,
                                    credits: inout [WorkerID: Int], order: inout Deque<WorkerID>) {
        credits[worker, default: 0] -= 1
        if credits[worker, default: 0] <= 0 {
            credits[worker] = nil
            order.remove(at: position)
        }
    }

    /// The owner, not the envelope's source: a future given back by the
    /// worker it was sent to carries that worker as its source.
    private func eligible(_ worker: WorkerID, for task: Envelope) -> Bool {
        !(task.flags.contains(.remoteOnly) && task.futureID.owner == worker)
    }

    /// Whether nothing waits here and nothing runs anywhere for the broker.
    public var isQuiet: Bool { queue.isEmpty && location.isEmpty }

    /// ``stateDescription`` when futures are queued or in flight, else nil
    /// (what a broker logs when a run ends with work left).
    public var outstandingWork: String? { isQuiet ? nil : stateDescription }

    /// The queue, the credits and what each worker runs or holds, on one
    /// line (a stalled run's diagnostics): the queue in its order (the next
    /// to leave first), the futures in flight by id.
    ///
    /// ```swift
    /// print(broker.stateDescription)
    /// // queue 1 [0.7], credits worker 1 0 idle + 1 ahead; in flight worker 1 [0.5, 0.6 (held)]
    /// ```
    public var stateDescription: String {
        func ids(_ futures: [FutureID]) -> String {
            let shown = futures.prefix(8).map { heldAhead.contains($0) ? "\($0) (held)" : "\($0)" }
            return "[" + shown.joined(separator: ", ") + (futures.count > 8 ? ", … \(futures.count - 8) more" : "") + "]"
        }
        let credited = Set(credits.keys).union(aheadCredits.keys).sorted()
        let creditText = credited.isEmpty ? "none" : credited.map {
            "\($0) \(credits[$0] ?? 0) idle + \(aheadCredits[$0] ?? 0) ahead"
        }.joined(separator: ", ")
        let busy = inFlight.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        let flightText = busy.isEmpty ? "none" : busy.map { "\($0.key) \(ids($0.value.keys.sorted()))" }.joined(separator: ", ")
        return "queue \(queue.count) \(ids(queue.map(\.futureID))), credits \(creditText); in flight \(flightText)"
    }

    /// Idle credits over every worker: how many futures idle workers could start now.
    public var idleCredits: Int { credits.values.reduce(0, +) }

    /// Idle credits a worker holds (tests, run summary).
    public func credits(of worker: WorkerID) -> Int { credits[worker] ?? 0 }

    /// Credits a worker asked ahead and holds (tests).
    public func aheadCredits(of worker: WorkerID) -> Int { aheadCredits[worker] ?? 0 }
}
