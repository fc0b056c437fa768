import DequeModule

/// The scheduling policy of one worker process: which of its futures start now,
/// which wait in its local queue, and which spill to the broker.
///
/// Pure logic: no threads, no I/O, no clocks, so every decision is unit-tested.
/// The runtime holds one per process behind its lock and acts on the decisions.
///
/// - Local first: a future submitted here starts at once if a slot is free.
/// - A future that cannot start soon (the backlog already holds `spillThreshold`
///   futures) spills to the broker, where idle workers pull it — unless its
///   arguments are costly to move: then it waits here until a worker is idle.
/// - A slot is released while its future awaits a child (the task suspends; it
///   does not block a thread), so the child, or other queued work, runs there.
/// - An idle worker asks the broker for as many futures as it has free slots.
///
/// ```swift
/// var policy = WorkerQueuePolicy<Int>(slots: 1, spillThreshold: 1)
/// policy.admit(1)   // .start(1)
/// policy.admit(2)   // .queued
/// policy.admit(3)   // .spill(3)
/// policy.finished() // 2: start it
/// ```
public struct WorkerQueuePolicy<Job> {
    /// What to do with a newly submitted future.
    public enum Admission {
        /// Start it now; it holds a slot.
        case start(Job)
        /// Keep it in the local queue; it starts when a slot frees.
        case queued
        /// Send it to the broker: this worker cannot start it soon.
        case spill(Job)
    }

    /// How many futures may run at once (one per core the worker stands for).
    public let slots: Int
    /// Backlog length beyond which new futures spill; `nil` never spills (no broker).
    public let spillThreshold: Int?
    /// Futures holding a slot now. Can exceed `slots` briefly when suspended
    /// parents resume while their slots were lent to children.
    public private(set) var running = 0
    /// Futures waiting for a slot, oldest first.
    public private(set) var queue = Deque<Job>()
    /// Futures asked of the broker and not yet received.
    public private(set) var outstandingRequests = 0

    public init(slots: Int, spillThreshold: Int?) {
        precondition(slots > 0, "a worker needs at least one slot")
        self.slots = slots
        self.spillThreshold = spillThreshold
    }

    /// Decides the fate of a future submitted in this process.
    ///
    /// A future whose arguments are costly to move (`costlyToMove`: moving
    /// them takes longer than waiting for a local slot, e.g. a megabyte
    /// checksummed in a fraction of a millisecond) never spills because the
    /// backlog is long; it waits here and leaves only for a worker that is
    /// idle (``share(with:)``, or the share still owed to one).
    /// A future `beyondLocalShare` (a map's chunk past this worker's share of
    /// the map) spills as soon as it cannot start at once, however short the
    /// queue: it should not wait here while another worker could pull it.
    public mutating func admit(_ job: Job, mustSpill: Bool = false, costlyToMove: Bool = false,
                               beyondLocalShare: Bool = false) -> Admission {
        if mustSpill, spillThreshold != nil { return .spill(job) }
        if running < slots && queue.isEmpty {
            running += 1
            return .start(job)
        }
        if let threshold = spillThreshold {
            let backlogFull = !costlyToMove && (queue.count >= threshold || beyondLocalShare)
            if backlogFull || shareBudget > 0 {
                if !backlogFull { shareBudget -= 1 }
                return .spill(job)
            }
        }
        queue.append(job)
        return .queued
    }

    /// Accepts a future the broker sent in answer to a request. Returns true
    /// when it starts now (it holds a slot); false when every slot filled up
    /// since the request: the future must go back to the broker rather than
    /// wait here while other workers may be idle.
    public mutating func receivedFromBroker(_ job: Job) -> Bool {
        if outstandingRequests > 0 { outstandingRequests -= 1 }
        guard running < slots else { return false }
        running += 1
        return true
    }

    /// A running future finished: its slot is free. Returns the next future to start.
    public mutating func finished() -> Job? {
        running -= 1
        return startNextIfPossible()
    }

    /// A running future suspends to await a child: its slot is lent out.
    /// Returns the next future to start.
    public mutating func suspended() -> Job? {
        running -= 1
        return startNextIfPossible()
    }

    /// A suspended future resumes and takes a slot again.
    public mutating func resumed() {
        running += 1
    }

    /// Removes and returns the first queued future matching `predicate`
    /// (a cancelled future, or a child its awaiting parent will run inline).
    public mutating func removeQueued(where predicate: (Job) -> Bool) -> Job? {
        guard let index = queue.firstIndex(where: predicate) else { return nil }
        return queue.remove(at: index)
    }

    /// How many futures to ask the broker for now (0 when busy or already asked).
    /// Calling it records the request as outstanding.
    public mutating func takeRequestCount() -> Int {
        guard spillThreshold != nil, queue.isEmpty else { return 0 }
        let wanted = slots - running - outstandingRequests
        guard wanted > 0 else { return 0 }
        outstandingRequests += wanted
        return wanted
    }

    /// Futures still owed to idle workers elsewhere: while positive, a future
    /// that would wait in the local queue spills instead.
    public private(set) var shareBudget = 0

    /// The broker says `idle` workers elsewhere have nothing to do: gives up
    /// to that many queued futures (oldest first: in divide and conquer, the
    /// biggest subtrees) and owes the rest from the next futures that would queue.
    public mutating func share(with idle: Int) -> [Job] {
        guard spillThreshold != nil, idle > 0 else { return [] }
        let count = min(idle, queue.count)
        let shared = Array(queue.prefix(count))
        queue.removeFirst(count)
        shareBudget = idle - count
        return shared
    }

    /// The broker forgot our requests (it restarted our credits, e.g. on rejoin).
    public mutating func resetRequests() { outstandingRequests = 0 }

    private mutating func startNextIfPossible() -> Job? {
        guard running < slots, let next = queue.popFirst() else { return nil }
        running += 1
        return next
    }
}
