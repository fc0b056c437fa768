/// Whom the broker asks to share its local queue when workers idle and the
/// broker has nothing to give them: one member at a time, not everyone.
///
/// Asking every member at once (as before) moved one future from each of
/// them for a single idle worker, and left every member that had nothing
/// owing futures it would then spill needlessly: harmless on two workers,
/// churn on sixty-four. Instead the broker asks the member most likely to
/// hold queued work (a busy one before an idle one, the one that spilled
/// most recently, else the lowest id) for as many futures as idle workers lack, and waits for its answer:
/// every member answers a share request (``ShareReply``) after the futures
/// it shared, saying how many it could not send. A member that fell short
/// is *dry*: it owes the rest (its next futures that would queue spill
/// instead, ``WorkerQueuePolicy/shareBudget``), so it is not asked again
/// until it spills a future of its own (a `remoteOnly` one is no sign of
/// queued work) or the broker sends it one (which may wait in its queue).
/// The next member is asked for what is still missing.
///
/// Pure logic, kept by ``BrokerCore`` under the broker's lock.
///
/// ```swift
/// var planner = StealPlanner()
/// planner.spilled(by: WorkerID(2))
/// let ask = planner.nextAsk(idleCredits: 1, members: [.origin, WorkerID(1), WorkerID(2)], excluding: WorkerID(1))
/// // (WorkerID(2), 1): worker 2 spilled last
/// planner.answered(by: WorkerID(2), shortfall: 1)   // dry now: worker 0 is asked next
/// ```
public struct StealPlanner: Sendable {
    /// Members asked to share and not answered yet, with how many futures each was asked for.
    public private(set) var asked: [WorkerID: Int] = [:]
    /// Asked members the broker sent a future after asking: their answer
    /// may have crossed it, so falling short does not make them dry.
    private var sentSinceAsked: Set<WorkerID> = []
    /// Members that had fewer futures than asked and owe the rest: not asked again until they spill.
    public private(set) var dry: Set<WorkerID> = []
    /// When each member last spilled a future of its own (a counter, not a clock).
    private var lastSpill: [WorkerID: UInt64] = [:]
    private var spills: UInt64 = 0

    public init() {}

    /// Futures already asked for and not answered: idle workers need that many fewer.
    public var outstanding: Int { asked.values.reduce(0, +) }

    /// `member` spilled a future of its own: it has work coming, so it may be asked again.
    public mutating func spilled(by member: WorkerID) {
        spills &+= 1
        lastSpill[member] = spills
        dry.remove(member)
    }

    /// The broker sent `member` a future, which may wait in its queue (one
    /// sent ahead does; one for an idle slot does when a local future took
    /// the slot first): it may be asked again.
    public mutating func sent(to member: WorkerID) {
        dry.remove(member)
        if asked[member] != nil { sentSinceAsked.insert(member) }
    }

    /// `member` answered its share request: the futures it shared arrived
    /// before this answer; `shortfall` of those asked it did not have.
    /// Returns false when it was not asked (the answer is stray).
    @discardableResult
    public mutating func answered(by member: WorkerID, shortfall: Int) -> Bool {
        guard asked.removeValue(forKey: member) != nil else { return false }
        // A future sent to it after the question may wait in its queue now.
        let crossed = sentSinceAsked.remove(member) != nil
        if shortfall > 0, !crossed { dry.insert(member) }
        return true
    }

    /// `member` left the pool: its question is void (what it lacked is asked of another).
    public mutating func forget(_ member: WorkerID) {
        asked[member] = nil
        sentSinceAsked.remove(member)
        dry.remove(member)
        lastSpill[member] = nil
    }

    /// The next member to ask, and for how many futures, or nil: idle
    /// workers lack nothing not already asked for, or every member is asked,
    /// dry, or `excluding` (the idle worker that asked; it has nothing).
    /// `preferring` is asked first when it may be asked (a member that just
    /// joined while others idle). Records the question as asked.
    /// Members `isIdle` (holding idle credits) come last: their queues are
    /// empty unless their credit is stale (the origin's, from before its
    /// program submitted work).
    public mutating func nextAsk(idleCredits: Int, members: some Collection<WorkerID>, excluding: WorkerID? = nil,
                                 preferring: WorkerID? = nil,
                                 isIdle: (WorkerID) -> Bool = { _ in false }) -> (member: WorkerID, count: Int)? {
        let needed = idleCredits - outstanding
        guard needed > 0 else { return nil }
        func mayAsk(_ member: WorkerID) -> Bool {
            member != excluding && member != .broker && asked[member] == nil && !dry.contains(member)
        }
        let chosen: WorkerID?
        if let preferring, members.contains(preferring), mayAsk(preferring) {
            chosen = preferring
        } else {
            // Busy before idle, then the latest spiller, then the lowest id.
            chosen = members.filter(mayAsk).map { (member: $0, idle: isIdle($0)) }.min { a, b in
                if a.idle != b.idle { return !a.idle }
                let (spillA, spillB) = (lastSpill[a.member] ?? 0, lastSpill[b.member] ?? 0)
                return spillA != spillB ? spillA > spillB : a.member < b.member
            }?.member
        }
        guard let chosen else { return nil }
        asked[chosen] = needed
        return (chosen, needed)
    }
}
