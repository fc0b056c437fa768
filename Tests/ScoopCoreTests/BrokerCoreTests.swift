import ScoopCore
import Testing

@Suite struct BrokerCoreTests {
    func join(_ worker: WorkerID, build: String = "build-a", version: UInt8 = Envelope.protocolVersion) -> Envelope {
        let request = JoinRequest(protocolVersion: version, build: build, workerID: worker.rawValue,
                                  host: "host\(worker.rawValue)", processID: 1, slots: 1)
        return Envelope(kind: .join, source: worker, payload: try! PayloadCodec.encode(request))
    }

    func constant(_ name: String, _ value: Int, from worker: WorkerID) -> Envelope {
        Envelope(kind: .constant, source: worker, target: .none,
                 payload: SharedConstantRecord(name: name, value: try! PayloadCodec.encode(value)).payload)
    }

    @Test func aJoinIsWelcomedAndTheOriginsBuildBecomesTheRunsBuild() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 3)
        _ = core.receive(join(WorkerID(2), build: "stale"), from: WorkerID(2))
        #expect(core.expectedBuild == nil)  // a worker that came first does not decide
        let sends = core.receive(join(.origin), from: .origin)
        #expect(sends.map(\.envelope.kind) == [.welcome])
        #expect(core.expectedBuild == "build-a")
        #expect(core.members.keys.contains(.origin))
    }

    @Test func aMismatchedBinaryIsRefusedNamingBothBuilds() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 2)
        _ = core.receive(join(.origin), from: .origin)
        let sends = core.receive(join(WorkerID(1), build: "build-b"), from: WorkerID(1))
        #expect(sends.map(\.envelope.kind) == [.refuse])
        let reason = String(decoding: sends[0].envelope.payload, as: UTF8.self)
        #expect(reason.contains("build-a") && reason.contains("build-b") && reason.contains("host1"))
        #expect(core.counters.refusedJoins == 1)
        #expect(core.members[WorkerID(1)] == nil)
    }

    @Test func aBuildKnownInAdvanceRefusesEvenTheFirstJoiner() {
        var core = BrokerCore(expectedBuild: "build-a", workerCount: 2)
        let sends = core.receive(join(WorkerID(1), build: "build-b"), from: WorkerID(1))
        #expect(sends.map(\.envelope.kind) == [.refuse])
    }

    @Test func anotherProtocolVersionIsRefused() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 1)
        let sends = core.receive(join(.origin, version: 99), from: .origin)
        #expect(sends.map(\.envelope.kind) == [.refuse])
        #expect(String(decoding: sends[0].envelope.payload, as: UTF8.self).contains("protocol version 99"))
    }

    @Test func messagesFromPeersThatHaveNotJoinedAreDropped() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 1)
        let task = Envelope(kind: .task, futureID: FutureID(owner: WorkerID(5), sequence: 1), source: WorkerID(5))
        #expect(core.receive(task, from: WorkerID(5)).isEmpty)
        #expect(core.counters.dropped == 1)
        #expect(core.scheduler.queue.isEmpty)
    }

    @Test func constantsGoToEveryoneElseAndToLateJoiners() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 3)
        _ = core.receive(join(.origin), from: .origin)
        _ = core.receive(join(WorkerID(1)), from: WorkerID(1))
        let sends = core.receive(constant("alpha", 1, from: .origin), from: .origin)
        #expect(sends.map(\.worker) == [WorkerID(1)])
        #expect(core.receive(constant("alpha", 2, from: WorkerID(1)), from: WorkerID(1)).isEmpty)  // write-once
        let late = core.receive(join(WorkerID(2)), from: WorkerID(2))
        #expect(late.map(\.envelope.kind) == [.welcome, .constant])
        let record = try? SharedConstantRecord(payload: late[1].envelope.payload)
        #expect(record?.name == "alpha")
        #expect(record.map { try? PayloadCodec.decode(Int.self, from: $0.value) } == 1)
    }

    @Test func resultsAreRoutedToTheFuturesOwner() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 2)
        _ = core.receive(join(.origin), from: .origin)
        _ = core.receive(join(WorkerID(1)), from: WorkerID(1))
        let id = FutureID(owner: .origin, sequence: 7)
        _ = core.receive(Envelope(kind: .request, source: WorkerID(1), payload: [1, 0, 0, 0]), from: WorkerID(1))
        let dispatch = core.receive(Envelope(kind: .task, futureID: id, source: .origin, payload: [42]), from: .origin)
        #expect(dispatch.map(\.worker) == [WorkerID(1)])
        let routed = core.receive(Envelope(kind: .result, futureID: id, source: WorkerID(1), target: .origin), from: WorkerID(1))
        #expect(routed.map(\.worker) == [.origin])
        #expect(core.scheduler.inFlight[WorkerID(1)]?.isEmpty == true)
    }

    @Test func aLostWorkersFuturesAreRequeued() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 3)
        for worker in [WorkerID.origin, WorkerID(1), WorkerID(2)] { _ = core.receive(join(worker), from: worker) }
        _ = core.receive(Envelope(kind: .request, source: WorkerID(1), payload: [1, 0, 0, 0]), from: WorkerID(1))
        let id = FutureID(owner: .origin, sequence: 1)
        _ = core.receive(Envelope(kind: .task, futureID: id, source: .origin), from: .origin)
        _ = core.receive(Envelope(kind: .request, source: WorkerID(2), payload: [1, 0, 0, 0]), from: WorkerID(2))
        let sends = core.remove(WorkerID(1))
        #expect(sends.map(\.worker) == [WorkerID(2)])
        #expect(sends.first?.envelope.futureID == id)
        #expect(core.counters.requeued == 1)
    }

    @Test func theOriginsShutdownReachesEveryWorkerAndOnlyTheOriginMayEndTheRun() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 3)
        for worker in [WorkerID.origin, WorkerID(1), WorkerID(2)] { _ = core.receive(join(worker), from: worker) }
        #expect(core.receive(Envelope(kind: .shutdown, source: WorkerID(1)), from: WorkerID(1)).isEmpty)
        #expect(!core.isShutDown)
        let sends = core.receive(Envelope(kind: .shutdown, source: .origin), from: .origin)
        #expect(Set(sends.map(\.worker)) == [WorkerID(1), WorkerID(2)])
        #expect(core.isShutDown)
    }

    @Test func losingTheOriginEndsTheRun() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 2)
        _ = core.receive(join(.origin), from: .origin)
        _ = core.receive(join(WorkerID(1)), from: WorkerID(1))
        let sends = core.remove(.origin)
        #expect(sends.map(\.envelope.kind) == [.shutdown])
        #expect(core.isShutDown)
        #expect(core.takeNotices().contains(.originLost))
    }

    func idleRequest(_ worker: WorkerID, count: Int = 1) -> Envelope {
        Envelope(kind: .request, source: worker, payload: WorkRequest(forIdleSlots: count).payload)
    }

    func shareReply(_ worker: WorkerID, shortfall: Int) -> Envelope {
        Envelope(kind: .request, flags: .shareReply, source: worker, payload: ShareReply(shortfall: shortfall).payload)
    }

    func task(_ owner: WorkerID, _ sequence: UInt64, flags: EnvelopeFlags = []) -> Envelope {
        Envelope(kind: .task, flags: flags, futureID: FutureID(owner: owner, sequence: sequence), source: owner, payload: [7])
    }

    /// Four members; worker 3 took worker 1's spilled future, so worker 1
    /// spilled last and nothing is queued.
    func fourMembersWorkerOneSpilledLast() -> BrokerCore {
        var core = BrokerCore(expectedBuild: nil, workerCount: 4)
        for worker in [WorkerID.origin, WorkerID(1), WorkerID(2), WorkerID(3)] { _ = core.receive(join(worker), from: worker) }
        _ = core.receive(task(WorkerID(1), 1), from: WorkerID(1))
        _ = core.receive(idleRequest(WorkerID(3)), from: WorkerID(3))
        return core
    }

    @Test func anIdleWorkerFindingNothingAsksOneMemberToShareTheLatestSpillerFirst() {
        var core = fourMembersWorkerOneSpilledLast()
        let sends = core.receive(idleRequest(WorkerID(2)), from: WorkerID(2))
        #expect(sends.map(\.worker) == [WorkerID(1)])
        #expect(sends.allSatisfy { $0.envelope.kind == .request && $0.envelope.source == .broker && $0.envelope.payload == [1, 0, 0, 0] })
        // Another idle slot asks for one more, of the next member (the origin: busy, lowest id).
        let more = core.receive(idleRequest(WorkerID(3)), from: WorkerID(3))
        #expect(more.map(\.worker) == [.origin])
        #expect(more.map(\.envelope.payload) == [[1, 0, 0, 0]])
        #expect(core.counters.shareRequests == 2)
    }

    @Test func aMemberThatFallsShortIsNotFollowedUpWithUntilItSpills() {
        var core = fourMembersWorkerOneSpilledLast()
        let first = core.receive(idleRequest(WorkerID(2)), from: WorkerID(2))
        #expect(first.allSatisfy { $0.envelope.flags.contains(.shareReply) })
        // Worker 1 had nothing: the next member is asked, worker 1 is dry.
        let next = core.receive(shareReply(WorkerID(1), shortfall: 1), from: WorkerID(1))
        #expect(next.map(\.worker) == [.origin])
        #expect(core.stealPlanner.dry == [WorkerID(1)])
        #expect(core.counters.shareShortfalls == 1)
        #expect(core.receive(shareReply(.origin, shortfall: 1), from: .origin).map(\.worker) == [WorkerID(3)])
        // The idle one last (its credit may be stale), without wanting an answer: nobody is left.
        let last = core.receive(shareReply(WorkerID(3), shortfall: 1), from: WorkerID(3))
        #expect(last.map(\.worker) == [WorkerID(2)] && last.allSatisfy { !$0.envelope.flags.contains(.shareReply) })
        #expect(core.stealPlanner.dry == [.origin, WorkerID(1), WorkerID(3)] && core.stealPlanner.asked.isEmpty)
        // The next idle request asks again, a dry member too: its program may have queued work since.
        let again = core.receive(idleRequest(WorkerID(2)), from: WorkerID(2))
        #expect(again.map(\.worker) == [WorkerID(1)] && again.map(\.envelope.payload) == [[2, 0, 0, 0]])
        // A future of worker 1's own goes to the idle worker and makes it worth following up with;
        // a remote-only one does not (it is no sign of queued work).
        let remote = core.receive(task(.origin, 1, flags: .remoteOnly), from: .origin)
        #expect(core.stealPlanner.dry.contains(.origin))
        #expect(remote.map(\.worker) == [WorkerID(2)])
        let spilled = core.receive(task(WorkerID(1), 2), from: WorkerID(1))
        #expect(spilled.map(\.envelope.kind) == [.task])
        #expect(!core.stealPlanner.dry.contains(WorkerID(1)))
        // A future sent to the origin (here to hold ahead) may wait in its queue: it may be followed up with again.
        _ = core.receive(Envelope(kind: .request, source: .origin, payload: WorkRequest(forIdleSlots: 0, ahead: 1).payload),
                         from: .origin)
        let held = core.receive(task(WorkerID(3), 1), from: WorkerID(3))
        #expect(held.map(\.worker) == [.origin] && held.allSatisfy { $0.envelope.flags.contains(.sentAhead) })
        #expect(core.stealPlanner.dry.isEmpty)
    }

    @Test func aFollowUpStillAsksWhenTheQueueHoldsOnlyFuturesTheIdleWorkerMayNotRun() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 3)
        for worker in [WorkerID.origin, WorkerID(1), WorkerID(2)] { _ = core.receive(join(worker), from: worker) }
        let ahead = WorkRequest(forIdleSlots: 0, ahead: 1).payload
        // Worker 1 spilled last; the origin holds its future ahead.
        _ = core.receive(task(WorkerID(1), 1), from: WorkerID(1))
        _ = core.receive(Envelope(kind: .request, source: .origin, payload: ahead), from: .origin)
        // Worker 1 holds worker 2's remote-only future ahead.
        let remote = task(WorkerID(2), 1, flags: .remoteOnly)
        _ = core.receive(remote, from: WorkerID(2))
        let held = core.receive(Envelope(kind: .request, source: WorkerID(1), payload: ahead), from: WorkerID(1))
        #expect(held.map(\.worker) == [WorkerID(1)])
        // Worker 2 idles: worker 1 is asked and gives back what it held, which worker 2 may not run.
        #expect(core.receive(idleRequest(WorkerID(2)), from: WorkerID(2)).map(\.worker) == [WorkerID(1)])
        var returned = held[0].envelope
        returned.flags.insert(.returned)
        _ = core.receive(returned, from: WorkerID(1))
        #expect(core.scheduler.queue.map(\.futureID) == [remote.futureID])
        // Its answer (it shared what was asked) is followed up with the origin, though the queue is not empty.
        #expect(core.receive(shareReply(WorkerID(1), shortfall: 0), from: WorkerID(1)).map(\.worker) == [.origin])
    }

    @Test func onTwoWorkersAShareRequestWantsNoAnswer() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 2)
        for worker in [WorkerID.origin, WorkerID(1)] { _ = core.receive(join(worker), from: worker) }
        for _ in 0..<3 {
            let sends = core.receive(idleRequest(WorkerID(1)), from: WorkerID(1))
            #expect(sends.map(\.worker) == [.origin])
            #expect(sends.allSatisfy { $0.envelope.kind == .request && !$0.envelope.flags.contains(.shareReply) })
        }
        #expect(core.stealPlanner.asked.isEmpty)
    }

    @Test func aMemberThatSharedWhatWasAskedIsAskedAgainLater() {
        var core = fourMembersWorkerOneSpilledLast()
        _ = core.receive(idleRequest(WorkerID(2)), from: WorkerID(2))
        let shared = core.receive(task(WorkerID(1), 2), from: WorkerID(1))
        #expect(shared.map(\.worker) == [WorkerID(2)])
        #expect(core.receive(shareReply(WorkerID(1), shortfall: 0), from: WorkerID(1)).isEmpty)
        #expect(core.stealPlanner.dry.isEmpty && core.stealPlanner.asked.isEmpty)
        #expect(core.receive(idleRequest(WorkerID(2)), from: WorkerID(2)).map(\.worker) == [WorkerID(1)])
    }

    @Test func aShareReplyFromAMemberNotAskedIsDropped() {
        var core = fourMembersWorkerOneSpilledLast()
        #expect(core.receive(shareReply(WorkerID(2), shortfall: 1), from: WorkerID(2)).isEmpty)
        #expect(core.counters.unreadable == 1)
        _ = core.receive(idleRequest(WorkerID(2)), from: WorkerID(2))
        let malformed = Envelope(kind: .request, flags: .shareReply, source: WorkerID(1), payload: [1, 0])
        #expect(core.receive(malformed, from: WorkerID(1)).isEmpty)
        #expect(core.counters.unreadable == 2)
        #expect(core.stealPlanner.asked == [WorkerID(1): 1])
    }

    @Test func aLostMemberThatWasAskedIsReplacedByAnother() {
        var core = fourMembersWorkerOneSpilledLast()
        _ = core.receive(idleRequest(WorkerID(2)), from: WorkerID(2))
        let sends = core.remove(WorkerID(1))
        #expect(sends.filter { $0.envelope.kind == .request }.map(\.worker) == [.origin])
        #expect(core.stealPlanner.asked == [.origin: 1])
    }

    @Test func aLateJoinerIsAskedWhileIdleWorkersLackWork() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 3)
        _ = core.receive(join(WorkerID(1)), from: WorkerID(1))
        // Alone: nobody to ask.
        #expect(core.receive(idleRequest(WorkerID(1)), from: WorkerID(1)).isEmpty)
        let origin = core.receive(join(.origin), from: .origin)
        #expect(origin.map(\.envelope.kind) == [.welcome, .request])
        // Already asked for the one idle slot: the next joiner is not, until the origin falls short.
        #expect(core.receive(join(WorkerID(2)), from: WorkerID(2)).map(\.envelope.kind) == [.welcome])
        #expect(core.receive(shareReply(.origin, shortfall: 1), from: .origin).map(\.worker) == [WorkerID(2)])
    }

    @Test func aBusyWorkerAskingAheadDoesNotMakeTheOthersShare() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 2)
        for worker in [WorkerID.origin, WorkerID(1)] { _ = core.receive(join(worker), from: worker) }
        let ahead = WorkRequest(forIdleSlots: 0, ahead: 1).payload
        #expect(core.receive(Envelope(kind: .request, source: WorkerID(1), payload: ahead), from: WorkerID(1)).isEmpty)
        // Its credit still takes the next future, since nobody idle asked.
        let task = Envelope(kind: .task, futureID: FutureID(owner: .origin, sequence: 1), source: .origin, payload: [7])
        #expect(core.receive(task, from: .origin).map(\.worker) == [WorkerID(1)])
    }

    @Test func onlyTheHolderReportsAFutureSentAheadStarted() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 3)
        for worker in [WorkerID.origin, WorkerID(1), WorkerID(2)] { _ = core.receive(join(worker), from: worker) }
        let ahead = WorkRequest(forIdleSlots: 0, ahead: 1).payload
        _ = core.receive(Envelope(kind: .request, source: WorkerID(1), payload: ahead), from: WorkerID(1))
        let id = FutureID(owner: .origin, sequence: 1)
        let sent = core.receive(Envelope(kind: .task, futureID: id, source: .origin, payload: [7]), from: .origin)
        #expect(sent.map { $0.envelope.flags.contains(.sentAhead) } == [true])
        _ = core.receive(Envelope(kind: .started, futureID: id, source: WorkerID(2)), from: WorkerID(2))
        #expect(core.scheduler.heldAhead == [id])
        _ = core.receive(Envelope(kind: .started, futureID: id, source: WorkerID(1)), from: WorkerID(1))
        #expect(core.scheduler.heldAhead.isEmpty)
    }

    @Test func malformedRequestsAreDroppedAndCounted() {
        var core = BrokerCore(expectedBuild: nil, workerCount: 1)
        _ = core.receive(join(.origin), from: .origin)
        #expect(core.receive(Envelope(kind: .request, source: .origin, payload: [1]), from: .origin).isEmpty)
        #expect(core.receive(Envelope(kind: .constant, source: .origin, payload: [0xFF, 0xFF]), from: .origin).isEmpty)
        // Nothing asked for at all, and a count with trailing bytes.
        #expect(core.receive(Envelope(kind: .request, source: .origin, payload: [0, 0, 0, 0, 0, 0, 0, 0]), from: .origin).isEmpty)
        #expect(core.receive(Envelope(kind: .request, source: .origin, payload: [1, 0, 0, 0, 1, 0, 0, 0, 9]), from: .origin).isEmpty)
        #expect(core.counters.dropped == 4)
    }
}

@Suite struct WorkRequestTests {
    @Test func oneCountIsARequestWithoutLookahead() {
        #expect(WorkRequest(payload: [3, 0, 0, 0]) == WorkRequest(forIdleSlots: 3, ahead: 0))
        #expect(WorkRequest(forIdleSlots: 3).payload == [3, 0, 0, 0])
    }

    @Test func aheadTravelsAsASecondCount() {
        let request = WorkRequest(forIdleSlots: 0, ahead: 2)
        #expect(request.payload == [0, 0, 0, 0, 2, 0, 0, 0])
        #expect(WorkRequest(payload: request.payload) == request)
    }

    @Test func malformedPayloadsAreRefused() {
        #expect(WorkRequest(payload: []) == nil)
        #expect(WorkRequest(payload: [1, 0, 0]) == nil)
        #expect(WorkRequest(payload: [0, 0, 0, 0]) == nil)                          // asks for nothing
        #expect(WorkRequest(payload: [0, 0, 0x10, 0]) == nil)                       // 2^20
        #expect(WorkRequest(payload: [1, 0, 0, 0, 0, 0, 0x10, 0]) == nil)           // ahead 2^20
        #expect(WorkRequest(payload: [1, 0, 0, 0, 1, 0]) == nil)                    // a partial second count
        #expect(WorkRequest(payload: [1, 0, 0, 0, 1, 0, 0, 0, 0]) == nil)           // trailing bytes
    }
}

@Suite struct JoinHandshakeTests {
    @Test func aWelcomeEndsTheWait() async throws {
        let handshake = JoinHandshake()
        try await handshake.perform { handshake.accept() }
        #expect(handshake.isAccepted)
    }

    @Test func aRefusalIsThrownAndOnlyTheFirstAnswerCounts() async {
        let handshake = JoinHandshake()
        await #expect(throws: JoinRefused(reason: "binary mismatch")) {
            try await handshake.perform {
                handshake.fail(JoinRefused(reason: "binary mismatch"))
                handshake.accept()
            }
        }
        #expect(!handshake.isAccepted)
    }

    @Test func anAnswerBeforeTheWaitIsKept() async {
        let handshake = JoinHandshake()
        handshake.fail(JoinRefused(reason: "too late"))
        var sent = false
        await #expect(throws: JoinRefused.self) { try await handshake.perform { sent = true } }
        #expect(!sent)
    }
}
