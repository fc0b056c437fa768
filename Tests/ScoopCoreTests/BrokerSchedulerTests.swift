import ScoopCore
import Testing

@Suite struct BrokerSchedulerTests {
    let w1 = WorkerID(1), w2 = WorkerID(2), w3 = WorkerID(3)

    func task(_ n: UInt64, from source: WorkerID = .origin, flags: EnvelopeFlags = []) -> Envelope {
        Envelope(kind: .task, flags: flags, futureID: FutureID(owner: source, sequence: n), source: source, payload: [UInt8(n & 0xFF)])
    }

    @Test func queuedTasksGoToIdleWorkersOldestFirst() {
        var broker = BrokerScheduler()
        broker.join(w1)
        broker.join(w2)
        #expect(broker.submit(task(1)).isEmpty)
        #expect(broker.submit(task(2)).isEmpty)
        let first = broker.request(from: w2, count: 1)
        #expect(first == [.init(worker: w2, envelope: task(1))])
        let second = broker.request(from: w1, count: 5)
        #expect(second == [.init(worker: w1, envelope: task(2))])
        #expect(broker.credits(of: w1) == 4)
        // w1 still has credits: the next task goes straight to it.
        #expect(broker.submit(task(3)) == [.init(worker: w1, envelope: task(3))])
        #expect(broker.queue.isEmpty)
    }

    @Test func idleWorkersAreServedInTheOrderTheyAsked() {
        var broker = BrokerScheduler()
        [w1, w2, w3].forEach { broker.join($0) }
        _ = broker.request(from: w3, count: 1)
        _ = broker.request(from: w1, count: 1)
        _ = broker.request(from: w2, count: 1)
        let sends = (1...3).flatMap { broker.submit(task(UInt64($0))) }
        #expect(sends.map(\.worker) == [w3, w1, w2])
    }

    @Test func idleWorkersAreServedBeforeWorkersThatAskedAhead() {
        var broker = BrokerScheduler()
        [w1, w2].forEach { broker.join($0) }
        _ = broker.request(from: w1, count: 0, ahead: 1)  // busy, asked ahead first
        _ = broker.request(from: w2, count: 1)            // idle
        #expect(broker.submit(task(1)).map(\.worker) == [w2])
        #expect(broker.submit(task(2)).map(\.worker) == [w1])
        #expect(broker.aheadCredits(of: w1) == 0)
        #expect(broker.submit(task(3)).isEmpty)
    }

    @Test func aWorkersIdleCreditsAreSpentBeforeItsAheadCredits() {
        var broker = BrokerScheduler()
        broker.join(w1)
        _ = broker.request(from: w1, count: 1, ahead: 1)
        _ = broker.submit(task(1))
        #expect(broker.credits(of: w1) == 0)
        #expect(broker.aheadCredits(of: w1) == 1)
        // A remote-only future of w1's own cannot use either.
        #expect(broker.submit(task(2, from: w1, flags: .remoteOnly)).isEmpty)
        #expect(broker.aheadCredits(of: w1) == 1)
    }

    @Test func aRemoteOnlyFutureGivenBackStillNeverGoesToItsOwner() {
        var broker = BrokerScheduler()
        [w1, w2].forEach { broker.join($0) }
        _ = broker.request(from: w2, count: 1)
        let sent = broker.submit(task(1, from: w1, flags: .remoteOnly))
        #expect(sent.map(\.worker) == [w2])
        var returned = task(1, from: w1, flags: .remoteOnly)
        returned.source = w2
        _ = broker.request(from: w1, count: 1)
        #expect(broker.giveBack(returned, from: w2).isEmpty)
        #expect(broker.request(from: w2, count: 1).map(\.worker) == [w2])
    }

    @Test func aFutureSentAheadIsMarkedAndOneForAnIdleSlotIsNot() {
        var broker = BrokerScheduler()
        broker.join(w1)
        _ = broker.request(from: w1, count: 1, ahead: 1)
        let idle = broker.submit(task(1)), ahead = broker.submit(task(2))
        #expect(idle.map { $0.envelope.flags.contains(.sentAhead) } == [false])
        #expect(ahead.map { $0.envelope.flags.contains(.sentAhead) } == [true])
        #expect(broker.heldAhead == [task(2).futureID])
        // Given back, it loses the mark (its next dispatch decides again).
        var returned = ahead[0].envelope
        returned.flags.insert(.returned)
        _ = broker.giveBack(returned, from: w1)
        #expect(broker.heldAhead.isEmpty)
        #expect(broker.queue.first?.flags.contains(.sentAhead) == false)
    }

    @Test func aWorkerLostWhileHoldingAFutureAheadDoesNotChargeItALoss() {
        var broker = BrokerScheduler()
        [w1, w2].forEach { broker.join($0) }
        _ = broker.request(from: w1, count: 0, ahead: 1)
        _ = broker.submit(task(1))
        let removal = broker.remove(w1, maxLosses: 1)
        #expect(removal.exhausted.isEmpty)
        #expect(removal.requeued.map(\.futureID) == [task(1).futureID])
        #expect(removal.requeued.allSatisfy { !$0.flags.contains(.sentAhead) })
        #expect(broker.losses[task(1).futureID] == nil)
    }

    @Test func aFutureSentAheadAndStartedIsChargedWhenItsWorkerIsLost() {
        var broker = BrokerScheduler()
        [w1, w2].forEach { broker.join($0) }
        _ = broker.request(from: w1, count: 0, ahead: 1)
        _ = broker.submit(task(1))
        broker.started(task(1).futureID)
        let removal = broker.remove(w1, maxLosses: 1)
        #expect(removal.exhausted.map(\.envelope.futureID) == [task(1).futureID])
    }

    @Test func aLostWorkersAheadCreditsGoWithIt() {
        var broker = BrokerScheduler()
        [w1, w2].forEach { broker.join($0) }
        _ = broker.request(from: w1, count: 0, ahead: 2)
        _ = broker.remove(w1)
        #expect(broker.submit(task(1)).isEmpty)
        #expect(broker.queue.count == 1)
    }

    @Test func theInFlightTableTracksUntilCompletion() {
        var broker = BrokerScheduler()
        broker.join(w1)
        _ = broker.request(from: w1, count: 2)
        _ = broker.submit(task(1))
        _ = broker.submit(task(2))
        #expect(broker.inFlight[w1]?.count == 2)
        #expect(broker.worker(running: task(1).futureID) == w1)
        #expect(broker.completed(task(1).futureID) == w1)
        #expect(broker.completed(task(1).futureID) == nil)  // a duplicate result is not counted twice
        #expect(broker.inFlight[w1]?.keys.map { $0 } == [task(2).futureID])
    }

    @Test func aLostWorkersFuturesAreRequeuedAtTheHeadAndRedispatched() {
        var broker = BrokerScheduler()
        broker.join(w1)
        broker.join(w2)
        _ = broker.request(from: w1, count: 2)
        _ = broker.submit(task(1))
        _ = broker.submit(task(2))
        _ = broker.submit(task(3))  // queued: nobody idle
        let removal = broker.remove(w1)
        #expect(removal.requeued.map(\.futureID) == [task(1).futureID, task(2).futureID])
        #expect(removal.dispatches.isEmpty)
        #expect(broker.queue.map(\.futureID) == [task(1).futureID, task(2).futureID, task(3).futureID])
        let resent = broker.request(from: w2, count: 3)
        #expect(resent.map(\.envelope.futureID) == [task(1).futureID, task(2).futureID, task(3).futureID])
        #expect(broker.request(from: w1, count: 1).isEmpty)  // a removed worker gets nothing
    }

    @Test func aGivenBackTaskLeavesTheInFlightTableAndGoesFirst() {
        var broker = BrokerScheduler()
        broker.join(w1)
        broker.join(w2)
        _ = broker.request(from: w1, count: 1)
        _ = broker.submit(task(1))
        _ = broker.submit(task(2))
        var returned = task(1)
        returned.flags.insert(.returned)
        #expect(broker.giveBack(returned, from: w1).isEmpty)
        #expect(broker.inFlight[w1]?.isEmpty == true)
        #expect(broker.queue.map(\.futureID) == [task(1).futureID, task(2).futureID])
        #expect(broker.request(from: w2, count: 1) == [.init(worker: w2, envelope: task(1))])
    }

    @Test func remoteOnlyTasksNeverReturnToTheirSubmitter() {
        var broker = BrokerScheduler()
        broker.join(w1)
        broker.join(w2)
        _ = broker.request(from: w1, count: 1)
        #expect(broker.submit(task(1, from: w1, flags: .remoteOnly)).isEmpty)
        // An ordinary task may still use w1's credit, past the stuck one.
        #expect(broker.submit(task(2, from: w2)) == [.init(worker: w1, envelope: task(2, from: w2))])
        let sends = broker.request(from: w2, count: 1)
        #expect(sends == [.init(worker: w2, envelope: task(1, from: w1, flags: .remoteOnly))])
    }

    @Test func cancellingFindsQueuedAndRunningFutures() {
        var broker = BrokerScheduler()
        broker.join(w1)
        _ = broker.submit(task(1))
        #expect(broker.cancel(task(1).futureID) == .removedFromQueue)
        _ = broker.request(from: w1, count: 1)
        _ = broker.submit(task(2))
        #expect(broker.cancel(task(2).futureID) == .running(on: w1))
        #expect(broker.cancel(task(9).futureID) == .unknown)
    }

    @Test func aFutureCancelledWhileItsGiveBackWasOnTheWayIsForgotten() {
        var broker = BrokerScheduler()
        [w1, w2].forEach { broker.join($0) }
        _ = broker.request(from: w1, count: 0, ahead: 1)
        #expect(broker.submit(task(1)) == [.init(worker: w1, envelope: task(1, flags: .sentAhead))])
        // The owner cancels while w1 gives the held future back: the two cross.
        #expect(broker.cancel(task(1).futureID) == .running(on: w1))
        #expect(broker.cancelledInFlight == [task(1).futureID])
        #expect(broker.giveBack(task(1, flags: [.sentAhead, .returned]), from: w1).isEmpty)
        #expect(broker.queue.isEmpty)
        #expect(broker.request(from: w2, count: 1).isEmpty)
        #expect(broker.isQuiet)
        #expect(broker.cancelledInFlight.isEmpty)
        // A give-back without a cancel still goes back to the head of the queue.
        _ = broker.request(from: w1, count: 0, ahead: 1)
        #expect(broker.submit(task(2)) == [.init(worker: w2, envelope: task(2))])
        #expect(broker.giveBack(task(2, flags: .returned), from: w2) == [.init(worker: w1, envelope: task(2, flags: .sentAhead))])
    }

    @Test func aCancelledFutureOnALostWorkerIsNotRequeued() {
        var broker = BrokerScheduler()
        [w1, w2].forEach { broker.join($0) }
        _ = broker.request(from: w1, count: 2)
        _ = broker.submit(task(1))
        _ = broker.submit(task(2))
        _ = broker.cancel(task(1).futureID)
        let removal = broker.remove(w1)
        #expect(removal.cancelledDropped == [task(1)])
        #expect(removal.requeued == [task(2)])
        #expect(broker.queue.map(\.futureID) == [task(2).futureID])
        #expect(broker.cancelledInFlight.isEmpty)
    }

    @Test func aCancelledFutureThatAnswersLeavesNoMark() {
        var broker = BrokerScheduler()
        broker.join(w1)
        _ = broker.request(from: w1, count: 1)
        _ = broker.submit(task(1))
        _ = broker.cancel(task(1).futureID)
        #expect(broker.completed(task(1).futureID) == w1)
        #expect(broker.cancelledInFlight.isEmpty)
        #expect(broker.isQuiet)
    }

    @Test func anOrphanGivenBackAfterItsOwnerWasLostIsNotRunAgain() {
        var broker = BrokerScheduler()
        [w1, w2].forEach { broker.join($0) }
        _ = broker.request(from: w2, count: 1)
        #expect(broker.submit(task(1, from: w1)) == [.init(worker: w2, envelope: task(1, from: w1))])
        let removal = broker.remove(w1)
        #expect(removal.orphansRunning.map(\.future) == [task(1, from: w1).futureID])
        // w2 gives it back before the broker's cancel reaches it.
        #expect(broker.giveBack(task(1, from: w1, flags: .returned), from: w2).isEmpty)
        #expect(broker.isQuiet)
    }

    @Test func peakQueueLengthIsRecorded() {
        var broker = BrokerScheduler()
        for n in 1...5 { _ = broker.submit(task(UInt64(n))) }
        broker.join(w1)
        _ = broker.request(from: w1, count: 5)
        #expect(broker.queue.isEmpty)
        #expect(broker.peakQueueLength == 5)
    }

    @Test func theStateDescriptionNamesTheQueueCreditsAndWhatRunsWhere() {
        var broker = BrokerScheduler()
        [w1, w2].forEach { broker.join($0) }
        #expect(broker.isQuiet)
        _ = broker.request(from: w1, count: 1, ahead: 1)
        _ = broker.request(from: w2, count: 0, ahead: 2)
        _ = broker.submit(task(1))
        _ = broker.submit(task(2))
        _ = broker.submit(task(3))
        _ = broker.submit(task(4))
        _ = broker.submit(task(5))
        #expect(!broker.isQuiet)
        let text = broker.stateDescription
        #expect(text.hasPrefix("queue 1 [0.5], credits none; in flight "), "\(text)")
        #expect(text.contains("worker 1 [0.1, 0.2 (held)]"), "\(text)")
        #expect(text.contains("worker 2 [0.3 (held), 0.4 (held)]"), "\(text)")
        _ = broker.cancel(task(5).futureID)
        (1...4).forEach { broker.completed(task(UInt64($0)).futureID) }
        #expect(broker.isQuiet)
        #expect(broker.stateDescription == "queue 0 [], credits none; in flight none")
    }
}
