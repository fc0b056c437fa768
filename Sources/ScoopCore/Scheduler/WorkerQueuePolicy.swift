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
/// - An idle worker asks the broker for as many futures as it has free slots,
///   and a busy one for up to `lookahead` more, held here until a slot frees,
///   so that the next future is already in the process when the current one
///   ends (the broker serves idle workers first, and asks a worker holding
///   such a future to share it when another worker idles).
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
    /// Futures from the broker this worker may hold beyond its slots (0: it
    /// asks only when a slot is free, and waits a round trip per future).
    public let lookahead: Int
    /// Futures asked of the broker for idle slots and not yet received.
    public private(set) var outstandingForIdleSlots = 0
    /// Futures asked of the broker ahead (``lookahead``) and not yet received.
    public private(set) var outstandingAhead = 0
    /// Futures asked of the broker and not yet received.
    public var outstandingRequests: Int { outstandingForIdleSlots + outstandingAhead }

    public init(slots: Int, spillThreshold: Int?, lookahead: Int = 0) {
        precondition(slots > 0, "a worker needs at least one slot")
        precondition(lookahead >= 0, "lookahead cannot be negative")
        self.slots = slots
        self.spillThreshold = spillThreshold
        self.lookahead = spillThreshold == nil ? 0 : lookahead
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

    /// What to do with a future the broker sent.
    public enum Receipt: Equatable {
        /// Start it now; it holds a slot.
        case start
        /// No slot is free, but the lookahead has room: it waits in the local
        /// queue for a slot (sent ahead, or a local future took the slot).
        case hold
        /// Every slot filled up since the request and the lookahead is
        /// used: it must go back to the broker rather than wait here while
        /// other workers may be idle.
        case giveBack
    }

    /// Accepts a future the broker sent in answer to a request;
    /// `sentAhead` says which request it answers (the broker marks it).
    public mutating func receivedFromBroker(_ job: Job, sentAhead: Bool = false) -> Receipt {
        if sentAhead {
            outstandingAhead = max(0, outstandingAhead - 1)
        } else {
            outstandingForIdleSlots = max(0, outstandingForIdleSlots - 1)
        }
        if running < slots && queue.isEmpty {
            running += 1
            return .start
        }
        guard queue.count < lookahead else { return .giveBack }
        queue.append(job)
        return .hold
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

    /// What to ask the broker for now, or nil (busy with local work, or
    /// already asked). Calling it records the request as outstanding.
    ///
    /// An idle slot is asked for even while futures asked ahead are on
    /// their way: the broker serves idle workers first, and only an idle
    /// worker's request makes it ask the others to share their queues.
    public mutating func takeWorkRequest() -> WorkRequest? {
        guard spillThreshold != nil, queue.count <= lookahead else { return nil }
        let idle = queue.isEmpty ? max(0, slots - running - outstandingForIdleSlots) : 0
        let inHand = running + queue.count + outstandingRequests + idle
        let ahead = max(0, slots + lookahead - inHand)
        guard idle + ahead > 0 else { return nil }
        outstandingForIdleSlots += idle
        outstandingAhead += ahead
        return WorkRequest(forIdleSlots: idle, ahead: ahead)
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

    /// The counts behind this worker's scheduling, on one line (a stalled
    /// run's diagnostics): `running 1/1, queued 2, asked 0 idle + 1 ahead, owes 0 shares`.
    public var stateDescription: String {
        "running \(running)/\(slots), queued \(queue.count), asked \(outstandingForIdleSlots) idle + "
            + "\(outstandingAhead) ahead, owes \(shareBudget) shares"
    }

    private mutating func startNextIfPossible() -> Job? {
        guard running < slots, let next = queue.popFirst() else { return nil }
        running += 1
        return next
    }
}
