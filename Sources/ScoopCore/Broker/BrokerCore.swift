/// The broker's protocol logic: handshakes, routing, shared constants,
/// cancellation and shutdown, over a ``BrokerScheduler``.
///
/// Pure and synchronous: a transport feeds it what arrived and performs the
/// sends it returns, so the ZeroMQ broker, MPI rank 0 and the in-memory test
/// cluster all run this same code. Task and result payloads are never decoded.
///
/// ```swift
/// var core = BrokerCore(expectedBuild: BuildIdentity.current, workerCount: 4)
/// let sends = core.receive(envelope, from: peer)
/// for send in sends { transport.send(send.envelope, to: send.worker) }
/// ```
public struct BrokerCore {
    /// One envelope for one peer.
    public typealias Send = BrokerScheduler.Dispatch

    public private(set) var scheduler = BrokerScheduler()
    /// Whom to ask to share when workers idle and nothing is queued here.
    public private(set) var stealPlanner = StealPlanner()
    /// Shared constants in the order they were set (sent to late joiners).
    public private(set) var constants: [SharedConstantRecord] = []
    private var constantNames: Set<String> = []
    /// The build every process must run. When nil at start (the broker was
    /// started without the program), the origin's join sets it.
    public private(set) var expectedBuild: String?
    public let workerCount: Int
    /// What the broker accepts before dropping, refusing or cutting off.
    public var limits: BrokerLimits { input.limits }
    var input: InputGuard
    /// Peers that completed the handshake, with what they said.
    public private(set) var members: [WorkerID: JoinRequest] = [:]
    /// Peers that were members and left or were declared lost: their late
    /// messages are dropped without counting against them (they are not hostile).
    private var formerMembers: Set<WorkerID> = []
    /// Counters for the run summary and logs.
    public private(set) var counters = Counters()
    /// Set once the origin's shutdown was broadcast (or the origin was lost).
    public private(set) var isShutDown = false
    /// The retry limit: a future in flight on this many lost workers fails
    /// instead of being re-queued (`SCOOP_MAX_WORKER_LOSSES`, `--max-worker-losses`).
    public let maxWorkerLosses: Int
    /// The default retry limit.
    public static let defaultMaxWorkerLosses = 3
    /// Workers declared lost, with their hosts: they may not join again, and
    /// whatever they still send is dropped (they are told to leave).
    public private(set) var lost: [WorkerID: LostWorker] = [:]
    private var toldToLeave: Set<WorkerID> = []
    /// Workers the pool was started with whose process ended before they
    /// joined (``neverJoined(_:)``, from the launcher): at most `workerCount`.
    private var neverJoinedWorkers: Set<WorkerID> = []

    /// Something the transport should log or act on besides sending.
    public enum Notice: Sendable, Equatable {
        case joined(WorkerID, host: String)
        case refused(reason: String)
        case dropped(DropReason, detail: String)
        /// A peer sent too many malformed messages: everything from it is ignored from now on.
        case cutOff(WorkerID)
        case shutdown
        case originLost
        /// A worker was declared lost; `requeued` of its futures run elsewhere.
        case workerLost(LostWorker, requeued: Int)
        /// A future lost `lostWorkers.count` workers and was failed, not re-queued.
        case futureFailed(FutureID, lostWorkers: [LostWorker])
        /// A remote-only future was failed: no worker but its owner is left to run it.
        case noOtherWorker(FutureID)
    }
    /// Notices since the last `takeNotices()`.
    public private(set) var notices: [Notice] = []

    public init(expectedBuild: String?, workerCount: Int, maxWorkerLosses: Int = BrokerCore.defaultMaxWorkerLosses,
                limits: BrokerLimits = BrokerLimits()) {
        self.expectedBuild = expectedBuild
        self.workerCount = workerCount
        self.maxWorkerLosses = max(1, maxWorkerLosses)
        self.input = InputGuard(limits: limits, maxMembers: limits.maxMembers(workerCount: workerCount))
    }

    public mutating func takeNotices() -> [Notice] {
        defer { notices = [] }
        return notices
    }

    /// Handles one envelope from `peer` and returns what to send.
    /// `now` (monotonic nanoseconds) paces joins.
    public mutating func receive(_ envelope: Envelope, from peer: WorkerID,
                                 now: UInt64 = MonotonicClock.nanoseconds) -> [Send] {
        if input.isCutOff(peer) { return drop(.cutOff, "", from: nil) }
        if envelope.kind == .join { return join(envelope, from: peer, now: now) }
        guard members[peer] != nil else {
            if lost[peer] != nil { return fromLostWorker(envelope, peer) }
            if formerMembers.contains(peer) {
                return drop(.unknownPeer, "\(envelope.kind) from \(peer), which left the pool", from: nil)
            }
            return drop(.unknownPeer, "\(envelope.kind) from \(peer), which has not joined", from: peer)
        }
        switch envelope.kind {
        case .task:
            if envelope.flags.contains(.returned) {
                guard scheduler.holds(peer, envelope.futureID) else {
                    counters.staleResults += 1
                    return drop(.unknownFuture, "\(peer) gave back \(envelope.futureID), which it does not hold", from: peer)
                }
                stealPlanner.gaveBack(peer)
                return noteHeld(scheduler.giveBack(envelope, from: peer))
            }
            // A future of its own (not one it must not run itself) is a sign of queued work there.
            if !envelope.flags.contains(.remoteOnly) { stealPlanner.spilled(by: peer) }
            let sends = noteHeld(scheduler.submit(envelope))
            // Only the new future can be stranded now (losses check the rest): no work for other spills.
            return envelope.flags.contains(.remoteOnly) ? sends + failStrandedFutures() : sends
        case .request where envelope.flags.contains(.shareReply):
            guard let reply = ShareReply(payload: envelope.payload) else {
                return drop(.unreadable, "malformed share reply from \(peer)", from: peer)
            }
            guard stealPlanner.answered(by: peer, shortfall: reply.shortfall) else {
                return drop(.unreadable, "share reply from \(peer), which was not asked to share", from: peer)
            }
            if reply.shortfall > 0 { counters.shareShortfalls += 1 }
            // What it shared arrived before its answer; ask another member for what is still missing.
            return askToShare(.followUp(after: peer))
        case .request:
            guard let request = WorkRequest(payload: envelope.payload) else {
                return drop(.unreadable, "malformed request from \(peer)", from: peer)
            }
            let sends = noteHeld(scheduler.request(from: peer, count: request.forIdleSlots, ahead: request.ahead))
            // Only an idle worker's request starts stealing; one asked ahead by a busy worker waits.
            guard request.forIdleSlots > 0, sends.isEmpty else { return sends }
            // A worker is idle and the broker has nothing: ask a member to
            // send what waits in its local queue (work stealing through the broker).
            return askToShare(.idleRequest(from: peer))
        case .result:
            guard scheduler.holds(peer, envelope.futureID) else {
                // Re-queued after a loss and run elsewhere, cancelled, or a duplicate: exactly once.
                counters.staleResults += 1
                return drop(.unknownFuture, "result of \(envelope.futureID) from \(peer), which does not hold it (late or duplicate)", from: peer)
            }
            scheduler.completed(envelope.futureID)
            let owner = envelope.futureID.owner
            guard members[owner] != nil else {
                return drop(.unknownFuture, "result of \(envelope.futureID) for \(owner), which is not in the pool", from: peer)
            }
            counters.routed += 1
            return [Send(worker: owner, envelope: envelope)]
        case .constant:
            guard let record = try? SharedConstantRecord(payload: envelope.payload) else {
                return drop(.unreadable, "malformed shared constant from \(peer)", from: peer)
            }
            guard constantNames.insert(record.name).inserted else {
                return drop(.unreadable, "shared constant '\(record.name)' set twice (again by \(peer)); the first value stays", from: peer)
            }
            constants.append(record)
            return members.keys.sorted().filter { $0 != peer }.map { Send(worker: $0, envelope: envelope) }
        case .cancel:
            // Only a future's owner cancels it: another peer's cancel would fail (or,
            // crossing a give-back, drop) a future its owner still awaits.
            guard envelope.futureID.owner == peer else {
                return drop(.unknownFuture, "cancel of \(envelope.futureID) from \(peer), which does not own it", from: peer)
            }
            switch scheduler.cancel(envelope.futureID) {
            case .running(let worker): return [Send(worker: worker, envelope: envelope)]
            case .removedFromQueue: return []
            case .unknown:
                // The owner's cancel crossed the result (its link keeps order, so
                // the future did reach the broker): benign, not a drop.
                counters.lateCancels += 1
                return []
            }
        case .shutdown:
            guard peer == .origin else { return drop(.unreadable, "shutdown from \(peer): only the origin ends the run", from: peer) }
            return shutdownAll(except: peer, envelope: envelope)
        case .started:
            // A future sent ahead started on its holder (late or stale notices change nothing).
            if scheduler.holds(peer, envelope.futureID) { scheduler.started(envelope.futureID) }
            return []
        case .heartbeat, .event:
            return []
        case .join, .welcome, .refuse:
            return drop(.unreadable, "\(envelope.kind) from \(peer) is not for a broker", from: peer)
        }
    }

    /// Whether `peer` completed the handshake at some point in this run (it may have left since).
    public func hasBeenMember(_ peer: WorkerID) -> Bool {
        members[peer] != nil || formerMembers.contains(peer)
    }

    /// A peer disconnected or was declared lost.
    ///
    /// Losing the origin ends the run. Losing a worker: each future in flight
    /// on it is re-queued, unless it has now lost ``maxWorkerLosses`` workers,
    /// then its owner receives a failed result (``WorkerLossReport``). The
    /// worker's own submissions are orphans: queued ones are removed, running
    /// ones cancelled where they run. Whatever it sends later is dropped.
    public mutating func remove(_ peer: WorkerID) -> [Send] {
        guard let request = members.removeValue(forKey: peer) else { return [] }
        formerMembers.insert(peer)
        if peer == .origin, !isShutDown {
            notices.append(.originLost)
            let envelope = Envelope(kind: .shutdown, source: .broker, target: .none, payload: Array("the origin (worker 0) was lost".utf8))
            return shutdownAll(except: peer, envelope: envelope)
        }
        let worker = LostWorker(id: peer, host: request.host)
        lost[peer] = worker
        stealPlanner.forget(peer)
        let removal = scheduler.remove(peer, maxLosses: maxWorkerLosses)
        counters.lostWorkers += 1
        counters.requeued += removal.requeued.count
        counters.orphansDropped += removal.orphansDropped.count
        if !isShutDown { notices.append(.workerLost(worker, requeued: removal.requeued.count)) }
        var sends = noteHeld(removal.dispatches)
        for (task, workers) in removal.exhausted {
            counters.exhaustedFutures += 1
            let named = workers.map { lost[$0] ?? LostWorker(id: $0, host: "?") }
            notices.append(.futureFailed(task.futureID, lostWorkers: named))
            let owner = task.futureID.owner
            guard members[owner] != nil else { continue }
            let report = WorkerLossReport(limit: maxWorkerLosses, workers: named)
            sends.append(Send(worker: owner, envelope: Envelope(
                kind: .result, flags: task.flags.intersection(.chunk).union([.failed, .workersLost]),
                futureID: task.futureID, parentID: task.parentID, functionID: task.functionID,
                source: .broker, target: owner, payload: (try? PayloadCodec.encode(report)) ?? [])))
        }
        for orphan in removal.orphansRunning where members[orphan.worker] != nil {
            sends.append(Send(worker: orphan.worker, envelope: Envelope(kind: .cancel, futureID: orphan.future, source: .broker, target: orphan.worker)))
        }
        // A question it will not answer now goes to another member.
        return sends + failStrandedFutures() + askToShare(.followUp(after: nil))
    }

    /// The `RemoteError` type name of the failure the broker sends for a
    /// remote-only future that no worker can run (see ``failStrandedFutures()``).
    public static let noOtherWorkerErrorType = "ScoopCore.NoOtherWorker"

    /// The launcher says the process of worker `peer`, one the pool was
    /// started with, ended before it joined (it failed to start, or its
    /// `ssh` failed): the pool will not reach its size, which may leave
    /// remote-only futures nobody can run (see ``failStrandedFutures()``).
    /// The id may not join later. Ids outside the pool's (`1..<workerCount`)
    /// and members are ignored.
    ///
    /// ```swift
    /// let sends = core.neverJoined(WorkerID(2))   // failed results for stranded futures, if any
    /// ```
    public mutating func neverJoined(_ peer: WorkerID) -> [Send] {
        guard (1..<max(1, workerCount)).contains(Int(peer.rawValue)), !hasBeenMember(peer) else { return [] }
        neverJoinedWorkers.insert(peer)
        return failStrandedFutures()
    }

    /// Fails the queued remote-only futures that nobody can run: only
    /// their owner is left in the pool, it may not run them, and no worker
    /// the pool was started with (ids `0..<workerCount`) is still to come:
    /// each joined or failed to start, and at least one of them is gone.
    /// Without this they would wait for ever; a worker that would join
    /// later with `scoop worker` is not waited for. A pool assembled by
    /// hand (`scoop broker`, then `scoop worker`) whose workers have not
    /// joined yet loses nobody, so its futures wait as before.
    private mutating func failStrandedFutures() -> [Send] {
        guard !isShutDown, members.count == 1, let owner = members.keys.first,
              !lost.isEmpty || !neverJoinedWorkers.isEmpty,
              (0..<workerCount).allSatisfy({ hasBeenMember(WorkerID($0)) || neverJoinedWorkers.contains(WorkerID($0)) })
        else { return [] }
        let stranded = scheduler.removeQueued { $0.flags.contains(.remoteOnly) && $0.futureID.owner == owner }
        guard !stranded.isEmpty else { return [] }
        var gone: [String] = []
        if !lost.isEmpty { gone.append("lost: " + lost.values.sorted { $0.id < $1.id }.map(\.description).joined(separator: ", ")) }
        if !neverJoinedWorkers.isEmpty {
            gone.append("never joined: " + neverJoinedWorkers.sorted().map(\.description).joined(separator: ", "))
        }
        let why = gone.isEmpty ? "" : " (\(gone.joined(separator: "; ")))"
        return stranded.map { task in
            counters.strandedFutures += 1
            notices.append(.noOtherWorker(task.futureID))
            let error = RemoteError(
                typeName: Self.noOtherWorkerErrorType,
                message: "future \(task.futureID) must run in another process (placement: .remote), and no worker but "
                    + "its submitter is left in the pool" + why)
            return Send(worker: owner, envelope: Envelope(
                kind: .result, flags: task.flags.intersection(.chunk).union(.failed), futureID: task.futureID, parentID: task.parentID,
                functionID: task.functionID, source: .broker, target: owner,
                payload: (try? PayloadCodec.encode(error)) ?? []))
        }
    }

    /// A worker declared lost speaks again (it was stopped, not dead): what
    /// it sends is dropped (a result counts as stale). The first time it
    /// sends more than a heartbeat answer or trace events (its late result,
    /// a request), it is told to leave — after the result it owed, if it
    /// was running one (its trace events, flushed first on resuming, would
    /// otherwise make it leave before it could answer); a lost worker that
    /// only answers heartbeats hears nothing more and leaves after its own
    /// heartbeat timeout.
    private mutating func fromLostWorker(_ envelope: Envelope, _ peer: WorkerID) -> [Send] {
        if envelope.kind == .result { counters.staleResults += 1 }
        _ = drop(.unknownPeer, "\(envelope.kind) from \(peer), which was declared lost", from: nil)
        guard envelope.kind != .heartbeat, envelope.kind != .event, toldToLeave.insert(peer).inserted else { return [] }
        let reason = "\(peer) was declared lost (silent for too long, or its process ended); its futures ran elsewhere: exit"
        return [Send(worker: peer, envelope: Envelope(kind: .shutdown, source: .broker, target: peer, payload: Array(reason.utf8)))]
    }

    private mutating func join(_ envelope: Envelope, from peer: WorkerID, now: UInt64) -> [Send] {
        guard input.admitJoin(now: now) else {
            return drop(.joinFlood, "join from \(peer) beyond \(limits.joinsPerSecond) joins per second", from: peer)
        }
        let refusal: String?
        let request = try? PayloadCodec.decode(JoinRequest.self, from: envelope.payload)
        let maxMembers = limits.maxMembers(workerCount: workerCount)
        if let request {
            if request.protocolVersion != Envelope.protocolVersion {
                refusal = "protocol version \(request.protocolVersion) on \(request.host) differs from the broker's \(Envelope.protocolVersion)"
            } else if let expectedBuild, request.build != expectedBuild {
                refusal = "binary mismatch: worker \(request.workerID) on \(request.host) runs build \(request.build), the pool runs build \(expectedBuild); run the same binary everywhere"
            } else if members[peer] != nil {
                refusal = "worker id \(peer.rawValue) is already in the pool"
            } else if lost[peer] != nil {
                refusal = "worker id \(peer.rawValue) was declared lost in this run; a replacement must use another id"
            } else if neverJoinedWorkers.contains(peer) {
                refusal = "worker id \(peer.rawValue) was reported failed before it joined (its process ended); a replacement must use another id"
            } else if members.count >= maxMembers {
                refusal = "the pool is full: \(members.count) members, started for \(workerCount) (at most \(maxMembers) accepted)"
            } else {
                refusal = nil
            }
        } else {
            refusal = "unreadable join request from \(peer)"
        }
        if let refusal {
            counters.refusedJoins += 1
            notices.append(.refused(reason: refusal))
            // A refused peer gets its answer until it is cut off: a flood of refused joins grows no state.
            guard !strike(peer) else { return [] }
            return [Send(worker: peer, envelope: Envelope(kind: .refuse, source: .broker, target: peer, payload: Array(refusal.utf8)))]
        }
        guard let request else { return [] }
        if expectedBuild == nil, peer == .origin { expectedBuild = request.build }
        members[peer] = request
        scheduler.join(peer)
        notices.append(.joined(peer, host: request.host))
        let reply = (try? PayloadCodec.encode(JoinReply(workerCount: workerCount))) ?? []
        var sends = [Send(worker: peer, envelope: Envelope(kind: .welcome, source: .broker, target: peer, payload: reply))]
        for record in constants {
            sends.append(Send(worker: peer, envelope: Envelope(kind: .constant, source: .broker, target: peer, payload: record.payload)))
        }
        if isShutDown {
            sends.append(Send(worker: peer, envelope: Envelope(kind: .shutdown, source: .broker, target: peer)))
        } else {
            // Workers that joined earlier may be idle already: the newcomer shares with them from the start.
            sends += askToShare(.joined(peer))
        }
        return sends
    }

    /// A future the broker sends may wait in its receiver's local queue (one
    /// sent ahead always does; one for an idle slot does when a local future
    /// took the slot meanwhile): that member may have work to share again,
    /// even if it fell short before.
    private mutating func noteHeld(_ dispatches: [Send]) -> [Send] {
        for dispatch in dispatches { stealPlanner.sent(to: dispatch.worker) }
        return dispatches
    }

    /// When workers idle and nothing queued here can go to them, asks one
    /// more member to share its local queue (``StealPlanner``) for as many
    /// futures as the idle workers lack beyond those already asked for.
    /// Idle credits left after the scheduler's matching mean exactly that:
    /// the queue is empty, or holds only futures those workers may not run
    /// (remote-only ones they submitted). Nothing once the run has ended.
    private mutating func askToShare(_ occasion: StealPlanner.Occasion) -> [Send] {
        guard !isShutDown else { return [] }
        let idleCredits = scheduler.idleCredits
        let scheduler = scheduler
        guard idleCredits > 0, let ask = stealPlanner.nextAsk(idleCredits: idleCredits, members: members.keys, occasion: occasion,
                                                               isIdle: { scheduler.credits(of: $0) > 0 }) else { return [] }
        counters.shareRequests += 1
        var count = PayloadWriter()
        count.writeUInt32(UInt32(clamping: ask.count))
        return [Send(worker: ask.member, envelope: Envelope(kind: .request, flags: ask.wantsAnswer ? .shareReply : [],
                                                            source: .broker, target: ask.member, payload: count.bytes))]
    }

    private mutating func shutdownAll(except peer: WorkerID, envelope: Envelope) -> [Send] {
        isShutDown = true
        notices.append(.shutdown)
        return members.keys.sorted().filter { $0 != peer }.map { Send(worker: $0, envelope: envelope) }
    }

    /// Counts and reports a dropped message; a malformed one is a strike
    /// against `peer` (see ``BrokerLimits/strikesBeforeCutOff``).
    mutating func drop(_ reason: DropReason, _ detail: String, from peer: WorkerID?) -> [Send] {
        counters[reason] += 1
        guard reason != .cutOff else { return [] }
        notices.append(.dropped(reason, detail: detail))
        guard let peer, reason.isStrike, strike(peer) else { return [] }
        return remove(peer)
    }

    /// One strike against `peer`; true when it is cut off by this one.
    private mutating func strike(_ peer: WorkerID) -> Bool {
        guard peer != .broker, peer != .none, input.strike(peer) else { return false }
        counters.peersCutOff += 1
        notices.append(.cutOff(peer))
        return true
    }
}
