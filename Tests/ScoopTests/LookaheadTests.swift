@testable import Scoop
@testable import ScoopCore
import Synchronization
import Testing

/// A busy worker asks the broker for one future ahead and holds it until
/// its slot frees. When another worker idles meanwhile, the held future must
/// reach it (the broker asks the holder to share), and never be lost; a
/// held future that is cancelled never runs.
///
/// Each test runs three simulated processes: the origin and two workers,
/// which `block` keeps busy until released.
@Suite(.serialized) struct LookaheadTests {
    /// Per scenario: the node each blocking future runs on, and the signals around it.
    final class Scenario: Sendable {
        let nodes = Mutex<[Int: Node]>([:])
        let started = [Signal(), Signal(), Signal()]
        let release = [Signal(), Signal(), Signal()]
        let probeRuns = Counter()
    }
    static let current = Mutex<Scenario?>(nil)
    static var scenario: Scenario { current.withLock { $0! } }

    static let block = TaskFunction("test.lookahead.block") { (index: Int) -> Int in
        let scenario = LookaheadTests.scenario
        guard let node = TaskContext.current?.node else { return -1 }
        scenario.nodes.withLock { $0[index] = node }
        scenario.started[index].fire()
        await scenario.release[index].wait()
        return Int(node.workerID.rawValue)
    }
    static let probe = TaskFunction("test.lookahead.probe") { () -> Int in
        LookaheadTests.scenario.probeRuns.increment()
        return Int(TaskContext.current?.node.workerID.rawValue ?? UInt32.max)
    }
    static let functions: [any RegisteredFunction] = Fixtures.all + [block, probe]

    /// Runs `body` with both workers blocked and a probe held ahead by one of
    /// them: `body(probe, holder, other)` gets the indexes of the holder's and the other's blocker.
    static func withHeldProbe(_ body: @escaping @Sendable (Future<Int>, Int, Int, Scenario) async throws -> Void) async throws {
        let scenario = Scenario()
        current.withLock { $0 = scenario }
        try await Pool.run(functions: functions, options: PoolOptions(simulatedProcesses: 3, lookahead: 1)) { () async throws in
            // Both workers busy (remote-only: the origin runs neither).
            let first = try Futures.submit(Self.block, 0, placement: .remote)
            let second = try Futures.submit(Self.block, 1, placement: .remote)
            let bothStarted = await finishesWithin30Seconds {
                await scenario.started[0].wait()
                await scenario.started[1].wait()
            }
            try #require(bothStarted, "the blocking futures did not both start within 30 s")
            let nodes = scenario.nodes.withLock { $0 }
            // Nobody is idle: the probe goes to a worker that asked ahead, and waits there.
            let probe = try Futures.submit(Self.probe, placement: .remote)
            let holder = try #require(await Self.firstNode(in: nodes) { $0.queuedCount == 1 },
                                      "no busy worker held the probe ahead within 30 s")
            try await body(probe, holder, 1 - holder, scenario)
            scenario.release[0].fire()
            scenario.release[1].fire()
            #expect(try await first.value(timeout: .seconds(30)) != second.value(timeout: .seconds(30)))
        }
    }

    /// The first key whose node satisfies `condition`, polled for up to 30 s.
    static func firstNode(in nodes: [Int: Node], where condition: (Node) -> Bool) async -> Int? {
        let clock = ContinuousClock(), deadline = clock.now + .seconds(30)
        while clock.now < deadline {
            if let key = nodes.first(where: { condition($0.value) })?.key { return key }
            await Task.yield()
        }
        return nil
    }

    @Test func aHeldFutureGoesToAWorkerThatIdles() async throws {
        try await Self.withHeldProbe { probe, holder, other, scenario in
            let nodes = scenario.nodes.withLock { $0 }
            // The other worker idles: the holder is asked to share, and the probe runs there.
            scenario.release[other].fire()
            let ranOn = try await probe.value(timeout: .seconds(30))
            #expect(ranOn == Int(try #require(nodes[other]).workerID.rawValue),
                    "held by \(holder) on \(nodes.mapValues(\.workerID)), ran on \(ranOn)")
            #expect(scenario.probeRuns.current == 1)
        }
    }

    @Test func aCancelledHeldFutureNeverRuns() async throws {
        try await Self.withHeldProbe { probe, holder, _, scenario in
            let nodes = scenario.nodes.withLock { $0 }
            #expect(probe.cancel())
            // The holder drops it from its queue (and answers the broker) at once.
            let emptied = await Self.firstNode(in: [holder: try #require(nodes[holder])]) { $0.queuedCount == 0 }
            #expect(emptied == holder, "the cancelled probe stayed queued on its holder")
            await #expect(throws: CancellationError.self) { try await probe.value(timeout: .seconds(30)) }
            // The holder's cancelled answer reached the owner through the
            // broker (which expects one), and was ignored there.
            let origin = try #require(TaskContext.current?.node)
            let answered = await Self.firstNode(in: [0: origin]) { $0.ignoredResults.load(ordering: .relaxed) >= 1 }
            #expect(answered == 0, "the holder never answered the cancelled probe")
            // Both workers free again: the pool still works, and the probe never ran.
            scenario.release[0].fire()
            scenario.release[1].fire()
            #expect(try await Futures.map(Fixtures.square, Array(0..<100), chunkSize: 1) == (0..<100).map { $0 * $0 })
            #expect(scenario.probeRuns.current == 0)
        }
    }

    @Test func aHolderReportsStartingAFutureSentAhead() async throws {
        let scenario = Scenario()
        Self.current.withLock { $0 = scenario }
        try await Pool.run(functions: Self.functions, options: PoolOptions(simulatedProcesses: 3, lookahead: 1)) { () async throws in
            let hub = try #require((TaskContext.current?.node.transport as? LocalNodeLink)?.hub)
            let blockers = try [0, 1].map { try Futures.submit(Self.block, $0, placement: .remote) }
            let bothStarted = await finishesWithin30Seconds {
                await scenario.started[0].wait()
                await scenario.started[1].wait()
            }
            try #require(bothStarted, "the blocking futures did not both start within 30 s")
            let nodes = scenario.nodes.withLock { $0 }
            // A third blocker goes ahead to a busy worker: held, not started.
            let third = try Futures.submit(Self.block, 2, placement: .remote)
            let holder = try #require(await Self.firstNode(in: nodes) { $0.queuedCount == 1 })
            #expect(hub.heldAheadCount == 1)
            // Its holder frees up and starts it: the broker hears of it.
            scenario.release[holder].fire()
            #expect(await finishesWithin30Seconds { await scenario.started[2].wait() })
            #expect(hub.heldAheadCount == 0, "the holder started a future sent ahead without reporting it")
            for signal in scenario.release { signal.fire() }
            for blocker in blockers + [third] { _ = try await blocker.value(timeout: .seconds(30)) }
        }
    }

    @Test(arguments: [0, 2])
    func anyLookaheadComputesTheSameResults(lookahead: Int) async throws {
        try await Pool.run(functions: Fixtures.all, options: PoolOptions(simulatedProcesses: 3, lookahead: lookahead)) { () async throws in
            let squares = try await Futures.map(Fixtures.square, Array(0..<2_000), chunkSize: 7)
            #expect(squares == (0..<2_000).map { $0 * $0 })
        }
    }

    @Test(arguments: [-1, PoolOptions.maximumLookahead + 1])
    func anOutOfRangeLookaheadIsRefused(lookahead: Int) async throws {
        await #expect(throws: ScoopError.self) {
            try await Pool.run(functions: Fixtures.all, options: PoolOptions(simulatedProcesses: 2, lookahead: lookahead)) { () async throws in }
        }
    }
}
