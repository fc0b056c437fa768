import Scoop
import Testing

@Suite struct CompletionTests {
    @Test func asCompletedYieldsInCompletionOrder() async throws {
        try await withPool(workers: 3) { () async throws in
            // Three workers start all three at once; the sleeps, far apart, decide the order.
            let futures = try [600, 10, 250].map { try Futures.submit(Fixtures.sleepMilliseconds, $0) }
            var order: [Int] = []
            for try await future in Futures.asCompleted(futures, timeout: .seconds(30)) {
                order.append(try await future.value)
            }
            #expect(order == [10, 250, 600])
        }
    }

    @Test func asCompletedHonoursItsTimeout() async throws {
        try await withPool { () async throws in
            let slow = try Futures.submit(Fixtures.sleepMilliseconds, 10_000)
            let quick = try Futures.submit(Fixtures.sleepMilliseconds, 1)
            var yielded = 0
            do {
                for try await _ in Futures.asCompleted([slow, quick], timeout: .milliseconds(300)) { yielded += 1 }
                Issue.record("no timeout")
            } catch let error as ScoopError {
                #expect("\(error)".contains("1 of 2 futures not done"))
            }
            #expect(yielded == 1)
            slow.cancel()
        }
    }

    @Test func waitForAllFirstAndFirstException() async throws {
        try await withPool(workers: 3) { () async throws in
            let futures = try [1, 2, 3].map { try Futures.submit(Fixtures.square, $0) }
            let all = await Futures.wait(futures)
            #expect(all.done.count == 3 && all.notDone.isEmpty)

            let slow = try Futures.submit(Fixtures.sleepMilliseconds, 10_000)
            let quick = try Futures.submit(Fixtures.sleepMilliseconds, 1)
            let first = await Futures.wait([slow, quick], returnWhen: .firstCompleted)
            #expect(first.done == [quick] && first.notDone == [slow])

            let failing = try Futures.submit(Fixtures.failAt, 5, 5)
            let exception = await Futures.wait([slow, failing], returnWhen: .firstException)
            #expect(exception.done == [failing])
            #expect(exception.notDone == [slow])
            #expect(failing.error is TestFailure)
            slow.cancel()
        }
    }

    @Test func waitHonoursItsTimeout() async throws {
        try await withPool { () async throws in
            // The future sleeps for an hour: wait can only return because its
            // timeout fired (no wall-clock bound, which a loaded machine breaks).
            let slow = try Futures.submit(Fixtures.sleepMilliseconds, 3_600_000)
            let outcome = await Futures.wait([slow], timeout: .milliseconds(200))
            #expect(outcome.done.isEmpty && outcome.notDone == [slow])
            slow.cancel()
        }
    }

    @Test func mapAsCompletedGivesEveryIndexOnce() async throws {
        try await withPool { () async throws in
            var seen: [Int: Int] = [:]
            for try await (index, value) in try Futures.mapAsCompleted(Fixtures.square, Array(0..<300)) {
                #expect(seen[index] == nil)
                seen[index] = value
            }
            #expect(seen.count == 300)
            #expect(seen.allSatisfy { $0.value == $0.key * $0.key })
        }
    }

    @Test func mapAsCompletedThrowsAFailure() async throws {
        try await withPool { () async throws in
            await #expect(throws: TestFailure.self) {
                for try await _ in try Futures.mapAsCompleted(Fixtures.failAt, [1, 2, 3], [2, 2, 2]) {}
            }
        }
    }
}
