import ScoopCore
import Testing

/// Worker loss in the scheduler and the broker core: exactly-once results,
/// the retry limit, orphans of lost workers. Deterministic: no processes.
@Suite struct SchedulerRecoveryTests {
    let w1 = WorkerID(1), w2 = WorkerID(2), w3 = WorkerID(3)

    func task(_ n: UInt64, owner: WorkerID = .origin) -> Envelope {
        Envelope(kind: .task, futureID: FutureID(owner: owner, sequence: n), source: owner, payload: [UInt8(n & 0xFF)])
    }

    /// A scheduler with `workers` joined and each asking for one future.
    func scheduler(_ workers: [WorkerID]) -> BrokerScheduler {
        var broker = BrokerScheduler()
        for worker in workers { broker.join(worker) }
        return broker
    }

    @Test func aFutureRecordsEveryWorkerLostUnderItAndFailsAtTheLimit() {
        var broker = scheduler([w1, w2, w3])
        let id = task(1).futureID
        _ = broker.request(from: w1, count: 1)
        #expect(broker.submit(task(1)).map(\.worker) == [w1])
        _ = broker.request(from: w2, count: 1)
        let first = broker.remove(w1, maxLosses: 3)
        #expect(first.requeued.map(\.futureID) == [id])
        #expect(first.dispatches.map(\.worker) == [w2])
        #expect(broker.losses[id] == [w1])
        _ = broker.request(from: w3, count: 1)
        let second = broker.remove(w2, maxLosses: 3)
        #expect(second.dispatches.map(\.worker) == [w3])
        #expect(broker.losses[id] == [w1, w2])
        let third = broker.remove(w3, maxLosses: 3)
        #expect(third.requeued.isEmpty)
        #expect(third.exhausted.map(\.envelope.futureID) == [id])
        #expect(third.exhausted.first?.lostWorkers == [w1, w2, w3])
        #expect(broker.queue.isEmpty, "an exhausted future is not re-queued")
        #expect(broker.losses[id] == nil, "its history is forgotten once it is failed")
    }

    @Test func aLimitOfOneFailsAtTheFirstLoss() {
        var broker = scheduler([w1])
        _ = broker.request(from: w1, count: 1)
        _ = broker.submit(task(1))
        let removal = broker.remove(w1, maxLosses: 1)
        #expect(removal.exhausted.map(\.lostWorkers) == [[w1]])
        #expect(removal.requeued.isEmpty)
    }

    @Test func completingAFutureForgetsItsLosses() {
        var broker = scheduler([w1, w2])
        _ = broker.request(from: w1, count: 1)
        _ = broker.submit(task(1))
        _ = broker.request(from: w2, count: 1)
        _ = broker.remove(w1)
        #expect(broker.losses[task(1).futureID] == [w1])
        #expect(broker.completed(task(1).futureID) == w2)
        #expect(broker.losses.isEmpty)
    }

    @Test func onlyTheWorkerHoldingAFutureHoldsIt() {
        var broker = scheduler([w1, w2])
        let id = task(1).futureID
        _ = broker.request(from: w1, count: 1)
        _ = broker.submit(task(1))
        #expect(broker.holds(w1, id))
        #expect(!broker.holds(w2, id))
        _ = broker.request(from: w2, count: 1)
        _ = broker.remove(w1)
        #expect(!broker.holds(w1, id), "after re-queueing, the lost worker's answer is stale")
        #expect(broker.holds(w2, id))
        broker.completed(id)
        #expect(!broker.holds(w2, id), "a second result for the same future is stale")
    }

    @Test func theQueuedFuturesOfALostWorkerAreRemovedAndItsRunningOnesReported() {
        var broker = scheduler([w1, w2, w3])
        // w1's children: one runs on w2, two wait in the queue; the origin's future waits too.
        _ = broker.request(from: w2, count: 1)
        #expect(broker.submit(task(1, owner: w1)).map(\.worker) == [w2])
        _ = broker.submit(task(2, owner: w1))
        _ = broker.submit(task(3))
        _ = broker.submit(task(4, owner: w1))
        let removal = broker.remove(w1)
        #expect(removal.orphansDropped.map(\.futureID) == [task(2, owner: w1).futureID, task(4, owner: w1).futureID])
        #expect(removal.orphansRunning.map(\.future) == [task(1, owner: w1).futureID])
        #expect(removal.orphansRunning.map(\.worker) == [w2])
        #expect(broker.queue.map(\.futureID) == [task(3).futureID])
    }

    @Test func anOrphanRunningOnAWorkerLostLaterIsNotRequeued() {
        var broker = scheduler([w1, w2, w3])
        _ = broker.request(from: w2, count: 1)
        _ = broker.submit(task(1, owner: w1))  // runs on w2
        _ = broker.remove(w1)                  // its owner is lost
        _ = broker.request(from: w3, count: 1)
        let removal = broker.remove(w2)        // then the worker running it
        #expect(removal.requeued.isEmpty)
        #expect(removal.orphansDropped.map(\.futureID) == [task(1, owner: w1).futureID])
        #expect(removal.dispatches.isEmpty, "nobody awaits it: it must not run again")
    }

    @Test func cancellingAQueuedFutureForgetsItsLosses() {
        var broker = scheduler([w1])
        _ = broker.request(from: w1, count: 1)
        _ = broker.submit(task(1))
        _ = broker.remove(w1)
        #expect(broker.cancel(task(1).futureID) == .removedFromQueue)
        #expect(broker.losses.isEmpty)
    }
}

@Suite struct BrokerRecoveryTests {
    func join(_ worker: WorkerID) -> Envelope {
        let request = JoinRequest(build: "build-a", workerID: worker.rawValue, host: "host\(worker.rawValue)", processID: 1, slots: 1)
        return Envelope(kind: .join, source: worker, payload: try! PayloadCodec.encode(request))
    }

    func request(_ worker: WorkerID) -> Envelope {
        Envelope(kind: .request, source: worker, payload: [1, 0, 0, 0])
    }

    /// A core with the origin and workers 1...`workers` joined, none idle.
    func core(workers: Int, maxLosses: Int = 3) -> BrokerCore {
        var core = BrokerCore(expectedBuild: nil, workerCount: workers + 1, maxWorkerLosses: maxLosses)
        for worker in (0...workers).map(WorkerID.init) { _ = core.receive(join(worker), from: worker) }
        _ = core.takeNotices()
        return core
    }

    let id = FutureID(owner: .origin, sequence: 1)
    var future: Envelope { Envelope(kind: .task, futureID: id, functionID: FunctionID(name: "crash"), source: .origin, payload: [7]) }
    var result: Envelope { Envelope(kind: .result, futureID: id, source: WorkerID(1), target: .origin, payload: [49]) }
    /// The same future, submitted with `placement: .remote`.
    var remoteFuture: Envelope {
        var remote = future
        remote.flags.insert(.remoteOnly)
        return remote
    }
    /// A pool of `workerCount` processes where only the origin has joined.
    func originAlone(workerCount: Int) -> BrokerCore {
        var core = BrokerCore(expectedBuild: nil, workerCount: workerCount)
        _ = core.receive(join(.origin), from: .origin)
        return core
    }

    @Test func aLateResultFromALostWorkerIsDroppedAndCountedAndTheWorkerToldToLeave() {
        var core = core(workers: 2)
        _ = core.receive(request(WorkerID(1)), from: WorkerID(1))
        #expect(core.receive(future, from: .origin).map(\.worker) == [WorkerID(1)])
        _ = core.receive(request(WorkerID(2)), from: WorkerID(2))
        let requeued = core.remove(WorkerID(1))
        #expect(requeued.map(\.worker) == [WorkerID(2)])
        #expect(core.takeNotices().contains(.workerLost(LostWorker(id: WorkerID(1), host: "host1"), requeued: 1)))
        // Worker 1 was only stopped: it wakes up, answers old pings (dropped, not told), then sends its result.
        #expect(core.receive(Envelope(kind: .heartbeat, source: WorkerID(1)), from: WorkerID(1)).isEmpty)
        // Its trace events, flushed on resuming, do not send it away before its result.
        #expect(core.receive(Envelope(kind: .event, source: WorkerID(1), payload: [1]), from: WorkerID(1)).isEmpty)
        let late = core.receive(result, from: WorkerID(1))
        #expect(late.map(\.envelope.kind) == [.shutdown], "the lost worker is told to leave")
        #expect(late.first?.worker == WorkerID(1))
        #expect(core.counters.staleResults == 1)
        #expect(core.receive(result, from: WorkerID(1)).isEmpty, "told once")
        #expect(core.counters.staleResults == 2)
        // The copy that ran on worker 2 is the one delivered, once.
        var fromTwo = result
        fromTwo.source = WorkerID(2)
        #expect(core.receive(fromTwo, from: WorkerID(2)).map(\.worker) == [.origin])
        #expect(core.receive(fromTwo, from: WorkerID(2)).isEmpty, "a duplicate is dropped")
        #expect(core.counters.staleResults == 3)
        #expect(core.counters.routed == 1)
    }

    @Test func aResultFromAMemberThatDoesNotHoldTheFutureIsDropped() {
        var core = core(workers: 2)
        _ = core.receive(request(WorkerID(1)), from: WorkerID(1))
        _ = core.receive(future, from: .origin)
        #expect(core.receive(result, from: WorkerID(2)).isEmpty)
        #expect(core.counters.staleResults == 1)
        var giveBack = future
        giveBack.flags.insert(.returned)
        #expect(core.receive(giveBack, from: WorkerID(2)).isEmpty, "a give-back from a worker that does not hold it")
        #expect(core.scheduler.queue.isEmpty)
        #expect(core.receive(result, from: WorkerID(1)).map(\.worker) == [.origin])
    }

    /// The broker's own failed result for `id`, if `sends` hold one for the origin.
    func strandedFailure(in sends: [BrokerCore.Send], for id: FutureID) -> RemoteError? {
        guard let send = sends.first(where: { $0.worker == .origin && $0.envelope.futureID == id && $0.envelope.kind == .result }),
              send.envelope.source == .broker, send.envelope.flags.contains(.failed),
              let error = try? PayloadCodec.decode(RemoteError.self, from: send.envelope.payload) else { return nil }
        #expect(error.typeName == BrokerCore.noOtherWorkerErrorType)
        return error
    }

    @Test func aRemoteOnlyFutureFailsWhenOnlyItsOwnerIsLeft() throws {
        let remote = remoteFuture
        // Before worker 1 joins, the future waits for it.
        var starting = originAlone(workerCount: 2)
        #expect(starting.receive(remote, from: .origin).isEmpty)
        #expect(starting.scheduler.queue.count == 1)
        // With a third worker left, losing one re-queues it.
        var three = core(workers: 2)
        _ = three.receive(request(WorkerID(1)), from: WorkerID(1))
        _ = three.receive(remote, from: .origin)
        #expect(strandedFailure(in: three.remove(WorkerID(1)), for: id) == nil)
        #expect(three.scheduler.queue.count == 1)
        // Losing the only other worker fails it, with the lost worker named.
        var two = core(workers: 1)
        _ = two.receive(request(WorkerID(1)), from: WorkerID(1))
        #expect(two.receive(remote, from: .origin).map(\.worker) == [WorkerID(1)])
        let failure = try #require(strandedFailure(in: two.remove(WorkerID(1)), for: id))
        #expect(failure.message.contains("no worker but its submitter is left in the pool (lost: worker 1@host1)"), "\(failure)")
        #expect(two.scheduler.queue.isEmpty)
        #expect(two.counters.strandedFutures == 1)
        #expect(two.takeNotices().contains(.noOtherWorker(id)))
        // One submitted afterwards fails at once; one that may run on the origin does not.
        var later = remote
        later.futureID = FutureID(owner: .origin, sequence: 2)
        #expect(strandedFailure(in: two.receive(later, from: .origin), for: later.futureID) != nil)
        var anywhere = future
        anywhere.futureID = FutureID(owner: .origin, sequence: 3)
        #expect(two.receive(anywhere, from: .origin).isEmpty)
        #expect(two.scheduler.queue.map(\.futureID) == [anywhere.futureID])
    }

    @Test func aRemoteOnlyFutureFailsWhenTheOtherWorkerNeverJoins() throws {
        let remote = remoteFuture
        var core = originAlone(workerCount: 3)
        #expect(core.receive(remote, from: .origin).isEmpty)
        // One of two workers fails to start: the other may still join.
        #expect(core.neverJoined(WorkerID(1)).isEmpty)
        #expect(core.scheduler.queue.count == 1)
        // The second fails too: nobody can run it now.
        let failure = try #require(strandedFailure(in: core.neverJoined(WorkerID(2)), for: id))
        #expect(failure.message.hasSuffix("(never joined: worker 1, worker 2)"), "\(failure)")
        #expect(core.scheduler.queue.isEmpty)
        // The id may not join afterwards (its process was reported gone).
        let late = core.receive(join(WorkerID(1)), from: WorkerID(1))
        #expect(late.map(\.envelope.kind) == [.refuse])
        #expect(core.members[WorkerID(1)] == nil)
    }

    @Test func aRemoteOnlyFutureWaitsWhileAWorkerMayStillCome() {
        let remote = remoteFuture
        // A pool assembled by hand (`scoop broker`: size 1): the origin alone, nobody lost yet.
        var byHand = originAlone(workerCount: 1)
        #expect(byHand.receive(remote, from: .origin).isEmpty)
        #expect(byHand.scheduler.queue.count == 1)
        // A stranger cut off for garbage, and an id the pool was not started with, change nothing.
        let stranger = WorkerID(5)
        for _ in 0..<byHand.limits.strikesBeforeCutOff {
            _ = byHand.receive(Envelope(kind: .request, source: stranger, payload: [1, 0, 0, 0]), from: stranger)
        }
        #expect(byHand.isCutOff(stranger))
        #expect(byHand.neverJoined(WorkerID(9)).isEmpty)
        #expect(byHand.scheduler.queue.count == 1)
        // Three launched, worker 1 lost, an extra worker came and went: worker 2 is still to come.
        var three = BrokerCore(expectedBuild: nil, workerCount: 3)
        for worker in [WorkerID.origin, WorkerID(1), WorkerID(77)] { _ = three.receive(join(worker), from: worker) }
        _ = three.receive(remote, from: .origin)
        _ = three.remove(WorkerID(77))
        _ = three.remove(WorkerID(1))
        #expect(three.scheduler.queue.count == 1)
        #expect(three.counters.strandedFutures == 0)
        // After the origin's shutdown nothing is failed any more: it is reported as left.
        var ending = core(workers: 1)
        _ = ending.receive(remote, from: .origin)
        _ = ending.receive(Envelope(kind: .shutdown, source: .origin, target: .none), from: .origin)
        #expect(strandedFailure(in: ending.remove(WorkerID(1)), for: id) == nil)
        #expect(ending.counters.strandedFutures == 0)
    }

    @Test func aLostWorkerMayNotJoinAgainWithTheSameID() {
        var core = core(workers: 1)
        _ = core.remove(WorkerID(1))
        let sends = core.receive(join(WorkerID(1)), from: WorkerID(1))
        #expect(sends.map(\.envelope.kind) == [.refuse])
        let reason = String(decoding: sends.first?.envelope.payload ?? [], as: UTF8.self)
        #expect(reason.contains("declared lost"))
    }

    @Test func afterTheRetryLimitTheOwnerReceivesAFailureNamingTheLostWorkersAndHosts() throws {
        var core = core(workers: 3, maxLosses: 2)
        _ = core.receive(request(WorkerID(1)), from: WorkerID(1))
        _ = core.receive(future, from: .origin)
        _ = core.receive(request(WorkerID(2)), from: WorkerID(2))
        #expect(core.remove(WorkerID(1)).map(\.worker) == [WorkerID(2)])
        _ = core.receive(request(WorkerID(3)), from: WorkerID(3))
        let sends = core.remove(WorkerID(2))
        let failure = try #require(sends.first)
        #expect(sends.count == 1, "not re-dispatched to the idle worker 3")
        #expect(failure.worker == .origin)
        #expect(failure.envelope.kind == .result)
        #expect(failure.envelope.flags.isSuperset(of: [.failed, .workersLost]))
        #expect(failure.envelope.futureID == id)
        #expect(failure.envelope.functionID == FunctionID(name: "crash"))
        let report = try PayloadCodec.decode(WorkerLossReport.self, from: failure.envelope.payload)
        #expect(report == WorkerLossReport(limit: 2, workers: [LostWorker(id: WorkerID(1), host: "host1"),
                                                               LostWorker(id: WorkerID(2), host: "host2")]))
        #expect(core.counters.exhaustedFutures == 1)
        #expect(core.counters.lostWorkers == 2)
        #expect(core.takeNotices().contains(.futureFailed(id, lostWorkers: report.workers)))
    }

    @Test func aChunkKeepsItsChunkFlagWhenFailed() {
        var core = core(workers: 1, maxLosses: 1)
        _ = core.receive(request(WorkerID(1)), from: WorkerID(1))
        var chunk = future
        chunk.flags = [.chunk]
        _ = core.receive(chunk, from: .origin)
        let sends = core.remove(WorkerID(1))
        #expect(sends.first?.envelope.flags == [.chunk, .failed, .workersLost])
    }

    @Test func theRunningChildrenOfALostWorkerAreCancelledWhereTheyRun() {
        var core = core(workers: 2)
        let child = FutureID(owner: WorkerID(1), sequence: 5)
        _ = core.receive(request(WorkerID(2)), from: WorkerID(2))
        #expect(core.receive(Envelope(kind: .task, futureID: child, source: WorkerID(1)), from: WorkerID(1)).map(\.worker) == [WorkerID(2)])
        let sends = core.remove(WorkerID(1))
        #expect(sends.map(\.envelope.kind) == [.cancel])
        #expect(sends.map(\.worker) == [WorkerID(2)])
        #expect(sends.first?.envelope.futureID == child)
        // Its cancelled result still comes back from worker 2, and is dropped: nobody awaits it.
        let late = core.receive(Envelope(kind: .result, flags: [.failed, .cancelled], futureID: child, source: WorkerID(2)), from: WorkerID(2))
        #expect(late.isEmpty)
        #expect(core.counters.dropped >= 1)
    }
}
