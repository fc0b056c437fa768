import Dispatch
import Foundation
import Logging
@testable import ScoopCore
import Synchronization
import Testing

@Suite("broker hub (in-process broker)")
struct BrokerHubTests {
    let w1 = WorkerID(1)

    func join(_ worker: WorkerID) -> Envelope {
        let request = JoinRequest(build: "b", workerID: worker.rawValue, host: "h", processID: 1, slots: 1)
        return Envelope(kind: .join, source: worker, payload: try! PayloadCodec.encode(request))
    }

    func task(_ n: UInt64) -> Envelope {
        Envelope(kind: .task, futureID: FutureID(owner: .origin, sequence: n), source: .origin, payload: [UInt8(n)])
    }

    @Test("a worker receives envelopes in the order the core sent them, whichever thread computed them")
    func deliveryKeepsTheCoresOrder() throws {
        let hub = BrokerHub(workerCount: 2, logger: Logger(label: "test"))
        let received = Mutex<[FutureID]>([])
        let firstTaskArrived = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        let holdsFirst = Atomic<Bool>(true)
        hub.attach(.origin) { _ in }
        hub.attach(w1) { envelope in
            guard envelope.kind == .task else { return }
            // The first task's delivery stalls (a slow thread) before it is recorded.
            if holdsFirst.exchange(false, ordering: .relaxed) {
                firstTaskArrived.signal()
                gate.wait()
            }
            received.withLock { $0.append(envelope.futureID) }
        }
        hub.receive(join(.origin), from: .origin)
        hub.receive(join(w1), from: w1)
        hub.receive(Envelope(kind: .request, source: w1, payload: WorkRequest(forIdleSlots: 2, ahead: 0).payload), from: w1)

        let firstDone = DispatchSemaphore(value: 0)
        let first = Thread {
            hub.receive(task(1), from: .origin)
            firstDone.signal()
        }
        first.start()
        #expect(firstTaskArrived.wait(timeout: .now() + 10) == .success)
        // The core sends task 2 after task 1; this thread must not deliver it first.
        hub.receive(task(2), from: .origin)
        gate.signal()
        #expect(firstDone.wait(timeout: .now() + 10) == .success)
        #expect(received.withLock { $0 } == [task(1).futureID, task(2).futureID])
    }

    @Test("flush returns only once a send another thread was delivering has reached its route")
    func flushWaitsForTheDeliveringThread() async throws {
        let hub = BrokerHub(workerCount: 2, logger: Logger(label: "test"))
        let received = Mutex<[FutureID]>([])
        let firstTaskArrived = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        let holdsFirst = Atomic<Bool>(true)
        hub.attach(.origin) { _ in }
        hub.attach(w1) { envelope in
            guard envelope.kind == .task else { return }
            if holdsFirst.exchange(false, ordering: .relaxed) {
                firstTaskArrived.signal()
                gate.wait()
            }
            received.withLock { $0.append(envelope.futureID) }
        }
        hub.receive(join(.origin), from: .origin)
        hub.receive(join(w1), from: w1)
        hub.receive(Envelope(kind: .request, source: w1, payload: WorkRequest(forIdleSlots: 2, ahead: 0).payload), from: w1)
        await hub.flush()   // nothing pending: returns at once

        let first = Thread { hub.receive(task(1), from: .origin) }
        first.start()
        #expect(firstTaskArrived.wait(timeout: .now() + 10) == .success)
        hub.receive(task(2), from: .origin)   // queued behind task 1, which is stalled
        let flush = Task {
            await hub.flush()
            return received.withLock { $0 }
        }
        // Open the gate only once the flush waits, so that it cannot return early unnoticed.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while hub.flushWaiterCount == 0, clock.now < deadline { await Task.yield() }
        #expect(hub.flushWaiterCount == 1)
        gate.signal()
        #expect(await flush.value == [task(1).futureID, task(2).futureID])
    }
}
