import Scoop
import Testing

/// The multi-process protocol (join, spill to the broker, idle pull, give-back,
/// results routed to their owner, every payload encoded) with several nodes
/// in this process: what `scoop run` and `mpirun` do, without processes.
@Suite struct SimulatedClusterTests {
    func withCluster<T>(processes: Int, functions: [any RegisteredFunction] = Fixtures.all + [Nested.fib, Nested.tree],
                        _ body: () async throws -> T) async throws -> T {
        try await Pool.run(functions: functions, options: PoolOptions(simulatedProcesses: processes), body: body)
    }

    @Test(arguments: [1, 2, 4])
    func mapsAndSubmitsAcrossNodes(processes: Int) async throws {
        try await withCluster(processes: processes) { () async throws in
            #expect(Pool.transport == .inMemory)
            #expect(Pool.size == processes)
            let input = Array(0..<3_000)
            #expect(try await Futures.map(Fixtures.square, input) == input.map { $0 * $0 })
            #expect(try await Futures.submit(Fixtures.add, 20, 22).value == 42)
            #expect(try await Futures.mapReduce(Fixtures.letter, Fixtures.concatenate, Array(0..<26)) == "abcdefghijklmnopqrstuvwxyz")
            #expect(try await Futures.mapScan(Fixtures.identity, Fixtures.add, [1, 2, 3, 4]) == [1, 3, 6, 10])
        }
    }

    @Test(arguments: [1, 3])
    func nestedFuturesCompleteAcrossNodes(processes: Int) async throws {
        try await withCluster(processes: processes) { () async throws in
            #expect(try await Futures.submit(Nested.fib, 20).value == 6_765)
            #expect(try await Futures.submit(Nested.tree, 5).value == 63)
        }
    }

    @Test func remotePlacementRunsElsewhere() async throws {
        let whereItRan = TaskFunction("test.whereItRan") { () -> UInt32 in Pool.workerID?.rawValue ?? 999 }
        try await withCluster(processes: 3, functions: [whereItRan]) { () async throws in
            for _ in 0..<20 {
                let worker = try await Futures.submit(whereItRan, placement: .remote).value
                #expect(worker != 0)
            }
        }
    }

    @Test func constantsReachEveryNode() async throws {
        try await withCluster(processes: 3, functions: [SharedTests.readWeight]) { () async throws in
            try Shared.set("weights", [0.5, 1.5, 2.5])
            let values = try await Futures.map(SharedTests.readWeight, Array(repeating: 2, count: 60))
            #expect(values == Array(repeating: 2.5, count: 60))
        }
    }

    @Test func errorsTravelWithTheirMessage() async throws {
        try await withCluster(processes: 2) { () async throws in
            // Where each chunk runs depends on timing; the message arrives either way.
            do {
                _ = try await Futures.map(Fixtures.failAt, Array(0..<100), Array(repeating: 37, count: 100))
                Issue.record("no error")
            } catch {
                #expect("\(error)".contains("element 37 is bad"))
            }
            // A future made to leave its process fails with a RemoteError saying where it ran.
            do {
                _ = try await Futures.submit(Fixtures.failAt, 37, 37, placement: .remote).value
                Issue.record("no error")
            } catch let error as RemoteError {
                #expect(error.message.contains("element 37 is bad"))
                #expect(error.function == "test.failAt")
                #expect(error.worker == 1 && error.host != nil, "\(error)")
                #expect(error.typeName.hasSuffix("TestFailure"))
            }
        }
    }

    @Test func cancellingAFutureThatLeftItsNode() async throws {
        try await withCluster(processes: 2) { () async throws in
            // The origin's slot is busy, so the second future spills to the broker.
            let first = try Futures.submit(Fixtures.sleepMilliseconds, 300)
            let second = try Futures.submit(Fixtures.sleepMilliseconds, 10_000)
            #expect(second.cancel())
            await #expect(throws: CancellationError.self) { try await second.value }
            #expect(try await first.value == 300)
            // The pool still works afterwards.
            #expect(try await Futures.submit(Fixtures.square, 5).value == 25)
        }
    }
}
