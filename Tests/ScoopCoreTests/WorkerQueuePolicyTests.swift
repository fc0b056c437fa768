import ScoopCore
import Testing

@Suite struct WorkerQueuePolicyTests {
    typealias Policy = WorkerQueuePolicy<Int>

    private func started(_ admission: Policy.Admission) -> Int? {
        if case .start(let job) = admission { return job }
        return nil
    }
    private func spilled(_ admission: Policy.Admission) -> Int? {
        if case .spill(let job) = admission { return job }
        return nil
    }
    private func queued(_ admission: Policy.Admission) -> Bool {
        if case .queued = admission { return true }
        return false
    }

    @Test func localFirstThenQueueThenSpill() {
        var policy = Policy(slots: 2, spillThreshold: 2)
        #expect(started(policy.admit(1)) == 1)
        #expect(started(policy.admit(2)) == 2)
        #expect(queued(policy.admit(3)))
        #expect(queued(policy.admit(4)))
        #expect(spilled(policy.admit(5)) == 5)
        #expect(policy.queue.elementsEqual([3, 4]))
        #expect(policy.running == 2)
    }

    @Test func withoutABrokerNothingSpills() {
        var policy = Policy(slots: 1, spillThreshold: nil)
        _ = policy.admit(0)
        for job in 1...1_000 { #expect(queued(policy.admit(job))) }
        #expect(spilled(policy.admit(9, mustSpill: true)) == nil)
        #expect(policy.queue.count == 1_001)
        #expect(policy.takeWorkRequest() == nil)
    }

    @Test func finishedStartsTheOldestQueued() {
        var policy = Policy(slots: 1, spillThreshold: nil)
        _ = policy.admit(1)
        _ = policy.admit(2)
        _ = policy.admit(3)
        #expect(policy.finished() == 2)
        #expect(policy.finished() == 3)
        #expect(policy.finished() == nil)
        #expect(policy.running == 0)
    }

    @Test func aSuspendedParentLendsItsSlot() {
        var policy = Policy(slots: 1, spillThreshold: nil)
        _ = policy.admit(1)          // the parent
        _ = policy.admit(2)          // its child waits
        #expect(policy.suspended() == 2)  // parent awaits: the child takes the slot
        #expect(policy.running == 1)
        policy.resumed()             // parent resumes while the child still runs
        #expect(policy.running == 2)
        #expect(queued(policy.admit(3)))  // over capacity: new work waits
        #expect(policy.finished() == nil)
        #expect(policy.finished() == 3)
    }

    @Test func removeQueuedTakesAChildForInlineExecution() {
        var policy = Policy(slots: 1, spillThreshold: nil)
        _ = policy.admit(1)
        _ = policy.admit(2)
        _ = policy.admit(3)
        #expect(policy.removeQueued { $0 == 3 } == 3)
        #expect(policy.removeQueued { $0 == 3 } == nil)
        #expect(policy.queue.elementsEqual([2]))
    }

    @Test func idleWorkersAskTheBrokerOnceForTheirFreeSlots() {
        var policy = Policy(slots: 3, spillThreshold: 3)
        #expect(policy.takeWorkRequest() == .init(forIdleSlots: 3, ahead: 0))
        #expect(policy.takeWorkRequest() == nil)  // already asked
        #expect(policy.receivedFromBroker(10) == .start)
        #expect(policy.outstandingRequests == 2)
        #expect(policy.finished() == nil)
        #expect(policy.takeWorkRequest() == .init(forIdleSlots: 1, ahead: 0))  // one more free slot, two still asked
    }

    @Test func brokerWorkArrivingWhenBusyIsGivenBack() {
        var policy = Policy(slots: 1, spillThreshold: 0)
        #expect(policy.takeWorkRequest() == .init(forIdleSlots: 1, ahead: 0))
        _ = policy.admit(1)             // a local future took the slot meanwhile
        #expect(policy.receivedFromBroker(99) == .giveBack)
        #expect(policy.queue.isEmpty)
        #expect(policy.outstandingRequests == 0)
    }

    @Test func anIdleWorkerAsksForItsSlotsAndItsLookaheadAtOnce() {
        var policy = Policy(slots: 1, spillThreshold: 4, lookahead: 1)
        #expect(policy.takeWorkRequest() == .init(forIdleSlots: 1, ahead: 1))
        #expect(policy.takeWorkRequest() == nil)
        #expect(policy.receivedFromBroker(10) == .start)
        #expect(policy.receivedFromBroker(11, sentAhead: true) == .hold)   // asked ahead: waits for the slot
        #expect(policy.outstandingRequests == 0)
        #expect(policy.queue.elementsEqual([11]))
        #expect(policy.takeWorkRequest() == nil)          // one running, one held
        #expect(policy.finished() == 11)
        #expect(policy.takeWorkRequest() == .init(forIdleSlots: 0, ahead: 1))
        #expect(policy.finished() == nil)
        // Idle with a future asked ahead on its way: the idle slot is asked for too.
        #expect(policy.takeWorkRequest() == .init(forIdleSlots: 1, ahead: 0))
        #expect(policy.outstandingRequests == 2)
    }

    @Test func futuresBeyondTheLookaheadAreGivenBack() {
        var policy = Policy(slots: 1, spillThreshold: 4, lookahead: 1)
        _ = policy.takeWorkRequest()
        #expect(policy.receivedFromBroker(1) == .start)
        #expect(policy.receivedFromBroker(2, sentAhead: true) == .hold)
        #expect(policy.receivedFromBroker(3, sentAhead: true) == .giveBack)
        #expect(policy.outstandingRequests == 0)
    }

    @Test func eachFutureSettlesTheRequestTheBrokerMarkedItFor() {
        var policy = Policy(slots: 1, spillThreshold: 4, lookahead: 1)
        _ = policy.takeWorkRequest()                       // one for the idle slot, one ahead
        _ = policy.receivedFromBroker(1, sentAhead: true)  // the ahead one came first
        #expect(policy.outstandingForIdleSlots == 1)
        #expect(policy.outstandingAhead == 0)
    }

    @Test func aHeldFutureIsSharedWithIdleWorkers() {
        var policy = Policy(slots: 1, spillThreshold: 4, lookahead: 1)
        _ = policy.takeWorkRequest()
        _ = policy.receivedFromBroker(1)
        _ = policy.receivedFromBroker(2, sentAhead: true)
        #expect(policy.outstandingRequests == 0)
        #expect(policy.share(with: 1) == [2])
        #expect(policy.queue.isEmpty)
    }

    @Test func localWorkLongerThanTheLookaheadAsksForNothing() {
        var policy = Policy(slots: 1, spillThreshold: 4, lookahead: 1)
        _ = policy.admit(1)
        _ = policy.admit(2)
        _ = policy.admit(3)
        #expect(policy.takeWorkRequest() == nil)
    }

    @Test func withoutABrokerThereIsNoLookahead() {
        var policy = Policy(slots: 2, spillThreshold: nil, lookahead: 2)
        #expect(policy.lookahead == 0)
        #expect(policy.takeWorkRequest() == nil)
    }

    @Test func mustSpillBypassesLocalSlots() {
        var policy = Policy(slots: 4, spillThreshold: 4)
        #expect(spilled(policy.admit(7, mustSpill: true)) == 7)
        #expect(policy.running == 0)
    }

    @Test func theStateDescriptionShowsTheCounts() {
        var policy = Policy(slots: 2, spillThreshold: 4, lookahead: 1)
        _ = policy.admit(1)
        _ = policy.takeWorkRequest()
        #expect(policy.stateDescription == "running 1/2, queued 0, asked 1 idle + 1 ahead, owes 0 shares")
    }
}

@Suite struct WorkStealingTests {
    @Test func sharingGivesTheOldestQueuedFirstAndOwesTheRest() {
        var policy = WorkerQueuePolicy<Int>(slots: 1, spillThreshold: 4)
        _ = policy.admit(1)
        _ = policy.admit(2)
        _ = policy.admit(3)
        #expect(policy.share(with: 3) == [2, 3])
        #expect(policy.shareBudget == 1)
        // The next future that would wait here spills to the idle worker instead.
        if case .spill(let job) = policy.admit(4) { #expect(job == 4) } else { Issue.record("did not spill") }
        #expect(policy.shareBudget == 0)
        if case .queued = policy.admit(5) {} else { Issue.record("should queue again") }
    }

    @Test func futuresBeyondTheLocalShareSpillUnlessTheyCanStartAtOnce() {
        var policy = WorkerQueuePolicy<Int>(slots: 1, spillThreshold: 4)
        // A free slot takes it, share or not.
        if case .start(let job) = policy.admit(0, beyondLocalShare: true) { #expect(job == 0) } else {
            Issue.record("a future that can start at once did not")
        }
        // Within the share it queues as before; beyond it, it spills although the queue is short.
        if case .queued = policy.admit(1) {} else { Issue.record("a future within the share did not queue") }
        if case .spill(let job) = policy.admit(2, beyondLocalShare: true) { #expect(job == 2) } else {
            Issue.record("a future beyond the share did not spill")
        }
        // Costly to move wins: it waits here for an idle worker.
        if case .queued = policy.admit(3, costlyToMove: true, beyondLocalShare: true) {} else {
            Issue.record("a costly future beyond the share left")
        }
        // Without a broker nothing spills.
        var alone = WorkerQueuePolicy<Int>(slots: 1, spillThreshold: nil)
        _ = alone.admit(0)
        if case .queued = alone.admit(1, beyondLocalShare: true) {} else { Issue.record("spilled without a broker") }
    }

    @Test func costlyToMoveFuturesWaitForAnIdleWorkerInsteadOfSpilling() {
        var policy = WorkerQueuePolicy<Int>(slots: 1, spillThreshold: 2)
        _ = policy.admit(0, costlyToMove: true)
        // A long backlog alone does not send them away...
        for job in 1...50 {
            if case .queued = policy.admit(job, costlyToMove: true) {} else { Issue.record("\(job) did not queue") }
        }
        // ...while a cheap future over the threshold still spills.
        if case .spill(let job) = policy.admit(99) { #expect(job == 99) } else { Issue.record("cheap future did not spill") }
        // An idle worker elsewhere gets the oldest, and the share still owed
        // takes the next costly future too.
        #expect(policy.share(with: 2) == [1, 2])
        #expect(policy.shareBudget == 0)
        _ = policy.share(with: 49)
        #expect(policy.queue.isEmpty)
        #expect(policy.shareBudget == 1)
        if case .spill(let job) = policy.admit(100, costlyToMove: true) { #expect(job == 100) } else {
            Issue.record("the share owed to an idle worker was not paid")
        }
        // A mandatory spill (placement: .remote) is never held back.
        if case .spill(let job) = policy.admit(101, mustSpill: true, costlyToMove: true) { #expect(job == 101) } else {
            Issue.record("mustSpill was held back")
        }
    }

    @Test func withoutABrokerThereIsNothingToShare() {
        var policy = WorkerQueuePolicy<Int>(slots: 1, spillThreshold: nil)
        _ = policy.admit(1)
        _ = policy.admit(2)
        #expect(policy.share(with: 5).isEmpty)
        #expect(policy.queue.count == 1)
    }
}
