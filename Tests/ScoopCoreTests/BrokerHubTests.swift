import Dispatch
import Foundation
import Logging
@testable import ScoopCore
import Synchronization
import Testing

@Suite("broker hub (in-process broker)")
struct BrokerHubTests {
    static let w1 = WorkerID(1)

    static func task(_ n: UInt64) -> Envelope {
        Envelope(kind: .task, futureID: FutureID(owner: .origin, sequence: n), source: .origin, payload: [UInt8(n)])
    }

    /// A hub with the origin and worker 1 joined, worker 1 idle for two
    /// futures, whose route stalls the first task it is handed (a slow
    /// delivering thread) until `gate` is signalled, then records it.
    final class StalledHub: Sendable {
        let hub = BrokerHub(workerCount: 2, logger: Logger(label: "test"))
        let received = Mutex<[FutureID]>([])
        let firstTaskArrived = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        private let holdsFirst = Atomic<Bool>(true)

        init() {
            hub.attach(.origin) { _ in }
            hub.attach(BrokerHubTests.w1) { [self] envelope in
                guard envelope.kind == .task else { return }
                if holdsFirst.exchange(false, ordering: .relaxed) {
                    firstTaskArrived.signal()
                    gate.wait()
                }
                received.withLock { $0.append(envelope.futureID) }
            }
            for worker in [WorkerID.origin, BrokerHubTests.w1] {
                let request = JoinRequest(build: "b", workerID: worker.rawValue, host: "h", processID: 1, slots: 1)
                hub.receive(Envelope(kind: .join, source: worker, payload: try! PayloadCodec.encode(request)), from: worker)
            }
            hub.receive(Envelope(kind: .request, source: BrokerHubTests.w1,
                                 payload: WorkRequest(forIdleSlots: 2, ahead: 0).payload), from: BrokerHubTests.w1)
        }

        /// Task 1 goes out on a thread of its own, which stalls in the route;
        /// signals `done` when that thread's `receive` returns.
        func sendFirstTaskStalled(done: DispatchSemaphore? = nil) -> Bool {
            let thread = Thread { [self] in
                hub.receive(BrokerHubTests.task(1), from: .origin)
                done?.signal()
            }
            thread.start()
            return firstTaskArrived.wait(timeout: .now() + 10) == .success
        }
    }

    @Test("a worker receives envelopes in the order the core sent them, whichever thread computed them")
    func deliveryKeepsTheCoresOrder() throws {
        let stalled = StalledHub()
        let firstDone = DispatchSemaphore(value: 0)
        #expect(stalled.sendFirstTaskStalled(done: firstDone))
        // The core sends task 2 after task 1; this thread must not deliver it first.
        stalled.hub.receive(Self.task(2), from: .origin)
        stalled.gate.signal()
        #expect(firstDone.wait(timeout: .now() + 10) == .success)
        #expect(stalled.received.withLock { $0 } == [Self.task(1).futureID, Self.task(2).futureID])
    }

    @Test("flush returns only once a send another thread was delivering has reached its route")
    func flushWaitsForTheDeliveringThread() async throws {
        let stalled = StalledHub()
        let hub = stalled.hub
        await hub.flush()   // nothing pending: returns at once
        #expect(stalled.sendFirstTaskStalled())
        hub.receive(Self.task(2), from: .origin)   // queued behind task 1, which is stalled
        let flush = Task {
            await hub.flush()
            return stalled.received.withLock { $0 }
        }
        // Open the gate only once the flush waits, so that it cannot return early unnoticed.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while hub.flushWaiterCount == 0, clock.now < deadline { await Task.yield() }
        #expect(hub.flushWaiterCount == 1)
        stalled.gate.signal()
        #expect(await flush.value == [Self.task(1).futureID, Self.task(2).futureID])
    }
}
