@testable import Scoop
import ScoopCore
import Synchronization
import Testing

/// A busy worker asks the broker for one future ahead and holds it until
/// its slot frees. When another worker idles meanwhile, the held future must
/// reach it (the broker asks the holder to share), and never be lost.
@Suite struct LookaheadTests {
    /// Per blocking future: the node it runs on, and the signal that ends it.
    static let blockers = Mutex<[Int: Node]>([:])
    static let started = [Signal(), Signal()]
    static let release = [Signal(), Signal()]

    static let block = TaskFunction("test.lookahead.block") { (index: Int) -> Int in
        guard let node = TaskContext.current?.node else { return -1 }
        blockers.withLock { $0[index] = node }
        started[index].fire()
        await release[index].wait()
        return Int(node.workerID.rawValue)
    }
    static let whereRan = TaskFunction("test.lookahead.whereRan") { () -> Int in
        Int(TaskContext.current?.node.workerID.rawValue ?? UInt32.max)
    }

    @Test func aHeldFutureGoesToAWorkerThatIdles() async throws {
        try await Pool.run(functions: [Self.block, Self.whereRan], options: PoolOptions(simulatedProcesses: 3, lookahead: 1)) { () async throws in
            // Both workers busy (remote-only: the origin runs neither).
            let first = try Futures.submit(Self.block, 0, placement: .remote)
            let second = try Futures.submit(Self.block, 1, placement: .remote)
            await Self.started[0].wait()
            await Self.started[1].wait()
            let nodes = Self.blockers.withLock { $0 }
            // Nobody is idle: the probe goes to a worker that asked ahead, and waits there.
            let probe = try Futures.submit(Self.whereRan, placement: .remote)
            let clock = ContinuousClock(), deadline = clock.now + .seconds(30)
            var holder: Int?
            while holder == nil, clock.now < deadline {
                holder = nodes.first { $0.value.queuedCount == 1 }?.key
                if holder == nil { await Task.yield() }
            }
            let held = try #require(holder, "no busy worker held the probe ahead within 30 s")
            let other = 1 - held
            // The other worker idles: the holder is asked to share, and the probe runs there.
            Self.release[other].fire()
            let ranOn = try await probe.value(timeout: .seconds(30))
            #expect(ranOn == Int(try #require(nodes[other]).workerID.rawValue), "held by \(held) on \(nodes.mapValues(\.workerID)), ran on \(ranOn)")
            Self.release[held].fire()
            #expect(try await first.value(timeout: .seconds(30)) != second.value(timeout: .seconds(30)))
        }
    }

    @Test(arguments: [0, 2])
    func anyLookaheadComputesTheSameResults(lookahead: Int) async throws {
        try await Pool.run(functions: Fixtures.all, options: PoolOptions(simulatedProcesses: 3, lookahead: lookahead)) { () async throws in
            let squares = try await Futures.map(Fixtures.square, Array(0..<2_000), chunkSize: 7)
            #expect(squares == (0..<2_000).map { $0 * $0 })
        }
    }

    @Test func aNegativeLookaheadIsRefused() async throws {
        await #expect(throws: ScoopError.self) {
            try await Pool.run(functions: Fixtures.all, options: PoolOptions(simulatedProcesses: 2, lookahead: -1)) { () async throws in }
        }
    }
}
