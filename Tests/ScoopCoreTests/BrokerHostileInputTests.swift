import ScoopCore
import Testing

/// Bad input to the broker's core: each kind is dropped under its reason,
/// a persistent sender is cut off, joins are paced and capped.
@Suite struct BrokerHostileInputTests {
    func join(_ worker: WorkerID, build: String = "b") -> Envelope {
        let request = JoinRequest(build: build, workerID: worker.rawValue, host: "h", processID: 1, slots: 1)
        return Envelope(kind: .join, source: worker, payload: try! PayloadCodec.encode(request))
    }

    func pool(workers: Int = 2, limits: BrokerLimits = BrokerLimits()) -> BrokerCore {
        var core = BrokerCore(expectedBuild: "b", workerCount: workers, limits: limits)
        for index in 0..<workers { _ = core.receive(join(WorkerID(index)), from: WorkerID(index), now: 0) }
        #expect(core.members.count == workers)
        return core
    }

    func frame(_ bytes: [UInt8], into core: inout BrokerCore, from peer: WorkerID) -> [BrokerCore.Send] {
        bytes.withUnsafeBytes { core.receive(frame: $0, from: peer, maximumPayloadSize: 1024, now: 0).sends }
    }

    @Test func eachKindOfBadFrameIsCountedUnderItsReason() {
        var core = pool()
        let valid = Envelope(kind: .heartbeat, source: WorkerID(1)).encoded()
        var badMagic = valid
        badMagic[0] = 0x47
        var badVersion = valid
        badVersion[2] = 99
        var unknownKind = valid
        unknownKind[3] = 200
        var oversize = valid
        oversize[36...39] = [0, 0, 1, 0]   // declares 64 KiB, the limit is 1 KiB
        for bytes in [badMagic, badVersion, Array(valid.prefix(20)), unknownKind, oversize, valid + [0x43, 0x53], []] {
            #expect(frame(bytes, into: &core, from: WorkerID(1)).isEmpty)
        }
        #expect(core.counters.badHeader == 2)
        #expect(core.counters.truncated == 3)   // short header, 2 bytes of a second envelope, empty
        #expect(core.counters.unreadable == 1)
        #expect(core.counters.oversize == 1)
        #expect(core.counters.dropped == 7)
        let notices = core.takeNotices()
        #expect(notices.filter { if case .dropped = $0 { true } else { false } }.count == 7)
        // A member with a few strikes stays.
        #expect(core.members[WorkerID(1)] != nil)
        #expect(frame(valid, into: &core, from: WorkerID(1)).isEmpty)
        #expect(core.counters.dropped == 7)
    }

    @Test func resultsAndCancelsForUnknownFuturesAreDroppedWithoutStrikes() {
        var limits = BrokerLimits()
        limits.strikesBeforeCutOff = 2
        var core = pool(limits: limits)
        let bogus = FutureID(owner: .origin, sequence: 424_242)
        for _ in 0..<5 {
            #expect(core.receive(Envelope(kind: .result, futureID: bogus, source: WorkerID(1)), from: WorkerID(1)).isEmpty)
            #expect(core.receive(Envelope(kind: .cancel, futureID: bogus, source: WorkerID(1)), from: WorkerID(1)).isEmpty)
        }
        #expect(core.counters.unknownFuture == 10)
        // Its owner's cancel of a future the broker is done with crossed the result: not a drop.
        #expect(core.receive(Envelope(kind: .cancel, futureID: bogus, source: .origin), from: .origin).isEmpty)
        #expect(core.counters.unknownFuture == 10)
        #expect(core.counters.lateCancels == 1)
        #expect(core.counters.dropped == 10)
        #expect(core.counters.routed == 0)
        #expect(core.members[WorkerID(1)] != nil, "unknown futures may be late answers: no cut-off")
        // A known future still routes.
        let task = Envelope(kind: .task, futureID: FutureID(owner: .origin, sequence: 1), source: .origin)
        _ = core.receive(task, from: .origin)
        let dispatched = core.receive(Envelope(kind: .request, source: WorkerID(1), payload: [1, 0, 0, 0]), from: WorkerID(1))
        #expect(dispatched.map(\.envelope.kind) == [.task])
        let routed = core.receive(Envelope(kind: .result, futureID: task.futureID, source: WorkerID(1)), from: WorkerID(1))
        #expect(routed.map(\.worker) == [.origin])
        // Its result again is unknown: delivered once.
        #expect(core.receive(Envelope(kind: .result, futureID: task.futureID, source: WorkerID(1)), from: WorkerID(1)).isEmpty)
        #expect(core.counters.unknownFuture == 11)
    }

    @Test func onlyItsOwnerCancelsAFuture() {
        var core = pool(workers: 3)
        let task = Envelope(kind: .task, futureID: FutureID(owner: .origin, sequence: 1), source: .origin)
        _ = core.receive(task, from: .origin)
        let dispatched = core.receive(Envelope(kind: .request, source: WorkerID(1), payload: [1, 0, 0, 0]), from: WorkerID(1))
        #expect(dispatched.map(\.worker) == [WorkerID(1)])
        // Worker 2 does not own it: its cancel is dropped, not forwarded.
        #expect(core.receive(Envelope(kind: .cancel, futureID: task.futureID, source: WorkerID(2)), from: WorkerID(2)).isEmpty)
        #expect(core.counters.unknownFuture == 1)
        #expect(core.scheduler.cancelledInFlight.isEmpty)
        // The owner's cancel reaches the worker running it.
        let forwarded = core.receive(Envelope(kind: .cancel, futureID: task.futureID, source: .origin), from: .origin)
        #expect(forwarded.map(\.worker) == [WorkerID(1)])
        #expect(forwarded.map(\.envelope.kind) == [.cancel])
    }

    @Test func aMemberThatKeepsSendingGarbageIsCutOffAndItsFuturesRequeued() {
        var limits = BrokerLimits()
        limits.strikesBeforeCutOff = 3
        var core = pool(workers: 3, limits: limits)
        let task = Envelope(kind: .task, futureID: FutureID(owner: .origin, sequence: 1), source: .origin)
        _ = core.receive(task, from: .origin)
        _ = core.receive(Envelope(kind: .request, source: WorkerID(2), payload: [1, 0, 0, 0]), from: WorkerID(2))
        #expect(core.scheduler.worker(running: task.futureID) == WorkerID(2))
        _ = frame([1, 2, 3], into: &core, from: WorkerID(2))
        _ = frame([1, 2, 3], into: &core, from: WorkerID(2))
        #expect(core.members[WorkerID(2)] != nil)
        _ = frame([1, 2, 3], into: &core, from: WorkerID(2))
        #expect(core.members[WorkerID(2)] == nil)
        #expect(core.isCutOff(WorkerID(2)))
        #expect(core.counters.peersCutOff == 1)
        #expect(core.counters.requeued == 1)
        #expect(core.scheduler.queue.map(\.futureID) == [task.futureID])
        #expect(core.takeNotices().contains(.cutOff(WorkerID(2))))
        // From now on nothing from it is decoded, not even a join.
        #expect(core.receive(join(WorkerID(2)), from: WorkerID(2)).isEmpty)
        #expect(frame(Envelope(kind: .heartbeat, source: WorkerID(2)).encoded(), into: &core, from: WorkerID(2)).isEmpty)
        #expect(core.counters.cutOff == 2)
        #expect(core.members[WorkerID(2)] == nil)
        // The others go on.
        let again = core.receive(Envelope(kind: .request, source: WorkerID(1), payload: [1, 0, 0, 0]), from: WorkerID(1))
        #expect(again.map(\.envelope.futureID) == [task.futureID])
    }

    @Test func lateMessagesFromAWorkerThatLeftAreDroppedWithoutCuttingItOff() {
        var limits = BrokerLimits()
        limits.strikesBeforeCutOff = 2
        var core = pool(limits: limits)
        _ = core.remove(WorkerID(1))
        var answers: [BrokerCore.Send] = []
        for sequence in 1...10 {
            let late = Envelope(kind: .result, futureID: FutureID(owner: .origin, sequence: UInt64(sequence)), source: WorkerID(1))
            answers += core.receive(late, from: WorkerID(1))
        }
        // At most one answer: it is told to leave (see RecoveryTests), nothing is routed.
        #expect(answers.count <= 1 && answers.allSatisfy { $0.envelope.kind == .shutdown }, "\(answers)")
        #expect(core.counters.unknownPeer == 10)
        #expect(!core.isCutOff(WorkerID(1)), "a worker declared lost is late, not hostile")
    }

    @Test func aRefusedJoinFloodIsAnsweredUntilTheSenderIsCutOff() {
        var limits = BrokerLimits()
        limits.strikesBeforeCutOff = 5
        var core = pool(limits: limits)
        var answers = 0
        for _ in 0..<1000 {
            answers += core.receive(join(WorkerID(900), build: "other"), from: WorkerID(900), now: 0).count
        }
        #expect(answers == 4, "refusals answered until the fifth strike")
        #expect(core.counters.refusedJoins == 5)
        #expect(core.counters.cutOff == 995)
        #expect(core.isCutOff(WorkerID(900)))
        #expect(core.members.count == 2)
    }

    @Test func joinsBeyondTheRateAreDroppedAndTheRatePicksUpAgain() {
        var limits = BrokerLimits()
        limits.joinsPerSecond = 10
        limits.extraMembers = 0
        var core = BrokerCore(expectedBuild: "b", workerCount: 2, limits: limits)
        // The bucket holds max members + one second of joins: 12.
        var handled = 0
        for index in 0..<100 {
            handled += core.receive(join(WorkerID(1000 + index), build: "x"), from: WorkerID(1000 + index), now: 0).count
        }
        #expect(handled == 12)
        #expect(core.counters.joinFlood == 88)
        // Half a second later five more are handled; the pool's own workers can join.
        let later: UInt64 = 500_000_000
        #expect(core.receive(join(.origin), from: .origin, now: later).map(\.envelope.kind) == [.welcome])
        #expect(core.receive(join(WorkerID(1)), from: WorkerID(1), now: later).map(\.envelope.kind) == [.welcome])
        // The pool is full (no extra members): a third worker is refused, saying why.
        let full = core.receive(join(WorkerID(2)), from: WorkerID(2), now: later)
        #expect(full.map(\.envelope.kind) == [.refuse])
        let reason = String(decoding: full.first?.envelope.payload ?? [], as: UTF8.self)
        #expect(reason.contains("the pool is full"), "\(reason)")
    }

    @Test func manyIdentitiesSendingGarbageKeepTheTablesBounded() {
        var limits = BrokerLimits()
        limits.trackedPeers = 64
        limits.strikesBeforeCutOff = 2
        var core = pool(limits: limits)
        for index in 0..<10_000 {
            _ = frame([0xFF], into: &core, from: WorkerID(5000 + index))
        }
        #expect(core.counters.dropped == 10_000)
        #expect(core.members.count == 2)
        // Strikes are forgotten when the table is full, so at most a few got cut off; the tables stay small.
        #expect(core.counters.peersCutOff < 10_000 / 2)
    }

    @Test func theLogThrottleLetsAFewLinesThroughPerSecondAndCountsTheRest() {
        var throttle = LogThrottle(linesPerSecond: 3)
        let admitted = (0..<100).compactMap { _ in throttle.admit(now: 5) }
        #expect(admitted == [0, 0, 0])
        #expect(throttle.pending == 97)
        #expect(throttle.admit(now: 1_000_000_005) == 97)
        #expect(throttle.pending == 0)
    }

    @Test func messageSizeLimitsParseWithSuffixesAndRefuseNonsense() throws {
        #expect(try MessageSizeLimit.parse("65536") == 65536)
        #expect(try MessageSizeLimit.parse("64K") == 65536)
        #expect(try MessageSizeLimit.parse("2m") == 2 << 20)
        #expect(try MessageSizeLimit.fromEnvironment([:]) == MessageSizeLimit.defaultBytes)
        #expect(try MessageSizeLimit.fromEnvironment(["SCOOP_MAX_MESSAGE_SIZE": "1G"]) == 1 << 30)
        for bad in ["", "-5", "12Q", "10", "9999999999G"] {
            #expect(throws: MessageSizeLimit.Invalid.self) { try MessageSizeLimit.parse(bad) }
        }
        #expect(MessageSizeLimit.maximumPayload(inMessagesOf: 4096) == 4096 - Envelope.headerSize)
    }
}
