@testable import Scoop
import ScoopCore
import Testing

/// A worker registers each future the broker sends it while it runs, and
/// forgets it when it ends. A future that finished before its registration
/// used to stay registered (its task, ~4 KB, kept for the rest of the run):
/// after thousands of quick remote futures, only the probe itself may be running.
@Suite struct RemoteTaskBookkeepingTests {
    static let quick = TaskFunction("test.bookkeeping.quick") { (x: Int) in x + 1 }
    static let probe = TaskFunction("test.bookkeeping.probe") { () -> Int in
        TaskContext.current?.node.runningRemoteFutureCount ?? -1
    }

    @Test func finishedRemoteFuturesAreForgotten() async throws {
        try await Pool.run(functions: [Self.quick, Self.probe], options: PoolOptions(simulatedProcesses: 2)) { () async throws in
            for value in 0..<3_000 {
                #expect(try await Futures.submit(Self.quick, value, placement: .remote).value == value + 1)
            }
            // The probe itself, registered or not yet: its task may run before
            // `start` registers it (the task is made outside the node's lock).
            let running = try await Futures.submit(Self.probe, placement: .remote).value
            #expect((0...1).contains(running), "\(running) remote futures registered after 3,000 ended")
        }
    }

    static let staleCancels = TaskFunction("test.bookkeeping.staleCancels") { (count: Int) -> Int in
        guard let node = TaskContext.current?.node else { return -1 }
        // Cancels for futures that already ended here (a result and its
        // cancel crossed): nothing ever claims them.
        for sequence in 0..<count {
            node.transport(received: Envelope(kind: .cancel, futureID: FutureID(owner: .origin, sequence: UInt64(1_000_000 + sequence)),
                                              source: .broker))
        }
        return node.unclaimedCancelCount
    }

    @Test func cancelsForFuturesThatEndedAreNotKeptForever() async throws {
        try await Pool.run(functions: [Self.staleCancels], options: PoolOptions(simulatedProcesses: 2)) { () async throws in
            let kept = try await Futures.submit(Self.staleCancels, 20_000, placement: .remote).value
            #expect(kept > 0)
            #expect(kept <= 4096)
        }
    }
}

@Suite struct BoundedFutureIDSetTests {
    private func id(_ sequence: Int) -> FutureID { FutureID(owner: .origin, sequence: UInt64(sequence)) }

    @Test func forgetsTheOldestBeyondItsCapacity() {
        var set = BoundedFutureIDSet(capacity: 3)
        for sequence in 1...5 { set.insert(id(sequence)) }
        #expect(set.count == 3)
        let removedOldest = set.remove(id(1)), removedSecond = set.remove(id(2))
        #expect(!removedOldest && !removedSecond)
        let removedNewest = set.remove(id(5)), removedAgain = set.remove(id(5))
        #expect(removedNewest && !removedAgain)
        set.insert(id(6))
        set.insert(id(6))
        #expect(set.count == 3)
        // Many inserts and removes keep the set within its capacity.
        for sequence in 100..<10_100 {
            set.insert(id(sequence))
            if sequence.isMultiple(of: 2) { set.remove(id(sequence)) }
        }
        #expect(set.count <= 3)
        let newest = set.remove(id(10_099))
        #expect(newest)
        // An id removed and added again is as new as its second insertion.
        var again = BoundedFutureIDSet(capacity: 2)
        again.insert(id(1))
        again.remove(id(1))
        again.insert(id(2))
        again.insert(id(1))
        again.insert(id(3))   // evicts 2, the oldest member, not 1
        let keptReinserted = again.remove(id(1)), keptOldest = again.remove(id(2))
        #expect(keptReinserted && !keptOldest)
    }
}
