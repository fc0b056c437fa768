/// Whom the broker asks to share its local queue when workers idle and the
/// broker has nothing to give them: one member at a time, not everyone.
///
/// Asking every member at once (as before) moved one future from each of
/// them for a single idle worker, and left every member that had nothing
/// owing futures it would then spill needlessly: harmless on two workers,
/// churn on sixty-four. Instead, on each idle worker's request, the broker
/// asks the member most likely to hold queued work (a busy one before one
/// holding idle credits, then the one that spilled last, else the lowest
/// id) for as many futures as idle workers lack. When another member could
/// be asked if this one falls short, the question asks for an answer: the
/// member answers (``ShareReply``) after the futures it shared, saying how
/// many it could not send. A member that fell short is *dry*: it owes the
/// rest (its next futures that would queue spill instead,
/// ``WorkerQueuePolicy/shareBudget``), and the broker follows up with the
/// next member that is not dry (busy ones first), until the idle workers'
/// need is asked for or nobody is left. A dry member is not followed up with again until
/// it spills a future of its own (a `remoteOnly` one is no sign of queued
/// work) or the broker sends it one (which may wait in its queue).
///
/// Pure logic, kept by ``BrokerCore`` under the broker's lock.
///
/// ```swift
/// var planner = StealPlanner()
/// planner.spilled(by: WorkerID(2))
/// let members = [WorkerID.origin, WorkerID(1), WorkerID(2)]
/// let ask = planner.nextAsk(idleCredits: 1, members: members, occasion: .idleRequest(from: WorkerID(1)))
/// // (WorkerID(2), 1): worker 2 spilled last
/// planner.answered(by: WorkerID(2), shortfall: 1)   // dry now
/// let next = planner.nextAsk(idleCredits: 1, members: members, occasion: .followUp(after: WorkerID(2)))  // (.origin, 1)
/// ```
public struct StealPlanner: Sendable {
    /// Members asked to share and not answered yet, with how many futures each was asked for.
    public private(set) var asked: [WorkerID: Int] = [:]
    /// What asked members did since the question: the futures of their
    /// own they sent the broker (spilled, not remote-only, or given back),
    /// and whether the broker sent them one. More arrivals than they say
    /// they shared, or a future sent to them, may have crossed a short
    /// answer (a spill that paid the debt it leaves; a future now waiting
    /// in their queue), so falling short does not make them dry.
    private var sinceAsked: [WorkerID: (arrivals: Int, sentTo: Bool)] = [:]
    /// Members that had fewer futures than asked and owe the rest: follow-ups
    /// skip them until they spill a future of their own or are sent one.
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
        guard !dry.isEmpty || !asked.isEmpty else { return }
        dry.remove(member)
        if asked[member] != nil { sinceAsked[member, default: (0, false)].arrivals += 1 }
    }

    /// `member` gave back a future it held (shared, or no longer able to hold it).
    public mutating func gaveBack(_ member: WorkerID) {
        if asked[member] != nil { sinceAsked[member, default: (0, false)].arrivals += 1 }
    }

    /// The broker sent `member` a future, which may wait in its queue (one
    /// sent ahead does; one for an idle slot does when a local future took
    /// the slot first): it may be asked again.
    public mutating func sent(to member: WorkerID) {
        // Called for every future the broker sends: nothing to do while nobody is dry or asked.
        guard !dry.isEmpty || !asked.isEmpty else { return }
        dry.remove(member)
        if asked[member] != nil { sinceAsked[member, default: (0, false)].sentTo = true }
    }

    /// `member` answered its share request: the futures it shared arrived
    /// before this answer; `shortfall` of those asked it did not have.
    /// Returns false when it was not asked (the answer is stray).
    @discardableResult
    public mutating func answered(by member: WorkerID, shortfall: Int) -> Bool {
        guard let count = asked.removeValue(forKey: member) else { return false }
        // A spill beyond what it shared, or a future sent to it: its queue may not be empty now.
        let since = sinceAsked.removeValue(forKey: member) ?? (0, false)
        let crossed = since.sentTo || since.arrivals > count - shortfall
        if shortfall > 0, !crossed { dry.insert(member) }
        return true
    }

    /// `member` left the pool: its question is void (what it lacked is asked of another).
    public mutating func forget(_ member: WorkerID) {
        asked[member] = nil
        sinceAsked[member] = nil
        dry.remove(member)
        lastSpill[member] = nil
    }

    /// Why the broker looks for a member to ask.
    public enum Occasion: Equatable, Sendable {
        /// An idle worker asked for work and the broker has none: any other
        /// member may be asked, a dry one too (its debt dates from an earlier
        /// question, and its program may have queued work since: the origin's
        /// map, after a question at its join), one holding idle credits last.
        case idleRequest(from: WorkerID)
        /// A member joined while workers idle: it is asked first.
        case joined(WorkerID)
        /// A member answered (`after` it; nil when one was lost) and idle
        /// workers still lack futures: the next member that is not dry is
        /// asked for the rest (a dry one owes already; the one that just
        /// answered has shared what it could), one holding idle credits last
        /// (its credit may be stale).
        case followUp(after: WorkerID?)
    }

    /// The next member to ask, and for how many futures, or nil: idle
    /// workers lack nothing not already asked for, or no member may be
    /// asked on this `occasion`. Busy members come before those `isIdle`
    /// (holding idle credits: their queues are empty unless a credit is
    /// stale), members not dry before dry ones, then the one that spilled
    /// last, then the lowest id. The question wants an answer (and is
    /// recorded as asked) only when another member could be followed up
    /// with if this one falls short; otherwise it is not recorded, and the
    /// member answers nothing (on two workers, only a question at a join,
    /// while the other worker idles, wants an answer).
    public mutating func nextAsk(idleCredits: Int, members: some Collection<WorkerID>, occasion: Occasion,
                                 isIdle: (WorkerID) -> Bool = { _ in false }) -> (member: WorkerID, count: Int, wantsAnswer: Bool)? {
        let needed = idleCredits - outstanding
        guard needed > 0 else { return nil }
        func mayAsk(_ member: WorkerID) -> Bool {
            guard member != .broker, asked[member] == nil else { return false }
            switch occasion {
            case .idleRequest(let idleWorker): return member != idleWorker
            case .joined: return true
            case .followUp(let answered): return member != answered && !dry.contains(member)
            }
        }
        let chosen: WorkerID?
        if case .joined(let newcomer) = occasion, members.contains(newcomer), mayAsk(newcomer) {
            chosen = newcomer
        } else {
            chosen = members.filter(mayAsk).map { (member: $0, idle: isIdle($0), dry: dry.contains($0)) }.min { a, b in
                if a.idle != b.idle { return !a.idle }
                if a.dry != b.dry { return !a.dry }
                let (spillA, spillB) = (lastSpill[a.member] ?? 0, lastSpill[b.member] ?? 0)
                return spillA != spillB ? spillA > spillB : a.member < b.member
            }?.member
        }
        guard let chosen else { return nil }
        // Worth an answer only if a follow-up could ask someone else.
        // (Not the idle worker whose request this is: it has nothing. Others
        // holding idle credits may: a credit can be stale, as when a parent
        // lent its slot, asked for work, and resumed to queue children.)
        let requester: WorkerID? = if case .idleRequest(let idleWorker) = occasion { idleWorker } else { nil }
        let followUpPossible = members.contains { member in
            member != chosen && member != requester && member != .broker && asked[member] == nil && !dry.contains(member)
        }
        if followUpPossible { asked[chosen] = needed }
        return (chosen, needed, followUpPossible)
    }
}
