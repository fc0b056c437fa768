import Scoop
import Synchronization
import Testing

/// Futures that wait until cancelled, recording that the cancellation reached them.
enum Hanging {
    /// Cancellations seen, per key (tests run in parallel: each uses its own key).
    static let cancellations = Mutex<[Int: Int]>([:])

    /// Sleeps (cooperatively) until cancelled, then records it under `key`.
    static func sleepUntilCancelled(_ key: Int) async throws -> Int {
        do {
            try await Task.sleep(for: .seconds(600))
        } catch {
            cancellations.withLock { $0[key, default: 0] += 1 }
            throw error
        }
        return key
    }

    /// Hangs until cancelled; `key` says whose test it is.
    static let hang = TaskFunction("test.hang") { (key: Int) -> Int in try await sleepUntilCancelled(key) }

    /// Element `bad` hangs (recorded under `-bad`), the others return at once.
    static let hangAt = TaskFunction("test.hangAt") { (x: Int, bad: Int) async throws -> Int in
        if x == bad { _ = try await sleepUntilCancelled(-x) }
        return x
    }

    static var functions: [any RegisteredFunction] { Fixtures.all + [hang, hangAt] }

    /// Waits (polling, with a deadline) until `key` saw a cancellation.
    static func cancelled(_ key: Int, within limit: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if cancellations.withLock({ $0[key, default: 0] }) > 0 { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }
}

/// Per-future and per-map time limits on threads and on simulated processes.
@Suite struct TimeoutTests {
    enum Transport: String, CaseIterable, CustomTestStringConvertible {
        case threads, processes
        var testDescription: String { rawValue }
        var options: PoolOptions {
            self == .threads ? PoolOptions(workers: 2) : PoolOptions(simulatedProcesses: 3)
        }
    }

    func withPool<T>(_ transport: Transport, _ body: () async throws -> T) async throws -> T {
        try await Pool.run(functions: Hanging.functions, options: transport.options, body: body)
    }

    @Test("a future past its limit fails with timedOut naming the function, and its execution is cancelled",
          arguments: Transport.allCases)
    func aFuturePastItsLimitFails(transport: Transport) async throws {
        let key = transport == .threads ? 1 : 2
        try await withPool(transport) {
            let future = try Futures.submit(Hanging.hang, key, placement: .remote, timeout: .milliseconds(200))
            await #expect(throws: ScoopError.timedOut(function: "test.hang", limit: .milliseconds(200))) {
                try await future.value
            }
            #expect(future.isDone && !future.isCancelled)
            #expect(await Hanging.cancelled(key), "the running task was never cancelled")
            // The pool still serves.
            #expect(try await Futures.submit(Fixtures.square, 7, timeout: .seconds(60)).value == 49)
        }
    }

    @Test("the message names the function and the limit")
    func message() {
        let error = ScoopError.timedOut(function: "simulate", limit: .seconds(2))
        #expect(error.description == "task 'simulate' did not complete within its time limit of 2.0 seconds: it was cancelled")
    }

    @Test("a future that completes in time is unaffected", arguments: Transport.allCases)
    func inTime(transport: Transport) async throws {
        try await withPool(transport) {
            let futures = try (0..<50).map { try Futures.submit(Fixtures.square, $0, timeout: .seconds(60)) }
            var values: [Int] = []
            for future in futures { values.append(try await future.value) }
            #expect(values == (0..<50).map { $0 * $0 })
        }
    }

    @Test("a map past its limit keeps what completed and fails the rest", arguments: Transport.allCases)
    func mapPastItsLimit(transport: Transport) async throws {
        let key = transport == .threads ? 3 : 4
        try await withPool(transport) {
            let outcomes: [Result<Int, any Error>] = try await Futures.mapResults(Hanging.hangAt, Array(0..<20), Array(repeating: key, count: 20),
                                                        chunkSize: 1, timeout: .seconds(10))
            #expect(outcomes.count == 20)
            for (index, outcome) in outcomes.enumerated() where index != key {
                #expect((try? outcome.get()) == index, "element \(index) completed in time: \(outcome)")
            }
            // The limit is generous: the quick elements must complete within it even when the
            // other tests of this process keep both cooperative threads busy for seconds.
            #expect(throws: ScoopError.timedOut(function: "test.hangAt", limit: .seconds(10))) { try outcomes[key].get() }
            #expect(await Hanging.cancelled(-key), "the hanging element was never cancelled")
            await #expect(throws: ScoopError.timedOut(function: "test.hangAt", limit: .milliseconds(300))) {
                _ = try await Futures.map(Hanging.hangAt, [0, 1, 2], [1, 1, 1], chunkSize: 1, timeout: .milliseconds(300))
            }
        }
    }

    @Test("a child with a limit is not run inline by its awaiting parent: the limit holds")
    func nestedChildWithALimit() async throws {
        let parent = TaskFunction("test.parentOfHang") { (key: Int) async throws -> String in
            let child = try Futures.submit(Hanging.hang, key, timeout: .milliseconds(200))
            do {
                _ = try await child.value
                return "completed"
            } catch let error as ScoopError {
                return "\(error)"
            }
        }
        try await Pool.run(functions: Hanging.functions + [parent], options: PoolOptions(workers: 2)) {
            let text = try await Futures.submit(parent, 5).value
            #expect(text.contains("task 'test.hang' did not complete within"), "\(text)")
        }
        #expect(await Hanging.cancelled(5))
    }

    @Test("a limit must be positive")
    func invalidLimit() async throws {
        try await withPool(.threads) {
            #expect(throws: ScoopError.self) { try Futures.submit(Fixtures.square, 1, timeout: .zero) }
            await #expect(throws: ScoopError.self) { try await Futures.map(Fixtures.square, [1], timeout: .seconds(-1)) }
        }
    }
}
