import Scoop
import Testing

@Suite struct MapTests {
    @Test(arguments: [1, 2, 3], [false, true])
    func mapKeepsInputOrder(workers: Int, checkCodec: Bool) async throws {
        try await withPool(workers: workers, checkCodec: checkCodec) { () async throws in
            let input = Array(0..<2_000)
            #expect(try await Futures.map(Fixtures.square, input) == input.map { $0 * $0 })
        }
    }

    @Test func mapOverSeveralArraysPairsElements() async throws {
        try await withPool { () async throws in
            #expect(try await Futures.map(Fixtures.add, [1, 2, 3], [10, 20, 30, 40]) == [11, 22, 33])
            #expect(try await Futures.map(Fixtures.sum3, [1, 2], [10, 20], [100, 200]) == [111, 222])
            #expect(try await Futures.map(Fixtures.square, []) == [])
        }
    }

    @Test(arguments: [nil, 1, 7, 1_000] as [Int?])
    func explicitChunkSizesGiveTheSameResults(chunkSize: Int?) async throws {
        try await withPool { () async throws in
            let input = Array(0..<5_000)
            #expect(try await Futures.map(Fixtures.identity, input, chunkSize: chunkSize) == input)
        }
    }

    @Test func aChunkSizeBelowOneIsRejected() async throws {
        try await withPool { () async throws in
            await #expect(throws: ScoopError.self) { try await Futures.map(Fixtures.identity, [1], chunkSize: 0) }
        }
    }

    @Test(arguments: [false, true])
    func mapThrowsTheLowestIndexError(checkCodec: Bool) async throws {
        try await withPool(checkCodec: checkCodec) { () async throws in
            let input = Array(0..<500)
            do {
                // Elements 120 and 430 fail: 120 must win whichever finishes first.
                let bad = input.map { $0 == 430 ? 430 : 120 }
                _ = try await Futures.map(Fixtures.failAt, input, bad)
                Issue.record("map did not throw")
            } catch {
                #expect("\(error)".contains("element 120 is bad"))
            }
        }
    }

    @Test func mapResultsReportsEveryElement() async throws {
        try await withPool { () async throws in
            let results = try await Futures.mapResults(Fixtures.failAt, [1, 2, 3, 4], [3, 3, 3, 3])
            #expect(results.count == 4)
            #expect(try results[0].get() == 1)
            #expect(try results[3].get() == 4)
            #expect(throws: TestFailure.self) { try results[2].get() }
        }
    }

    @Test func aLargeMapOfTinyTasksCompletes() async throws {
        try await withPool { () async throws in
            let input = Array(0..<100_000)
            let output = try await Futures.map(Fixtures.identity, input)
            #expect(output == input)
        }
    }

    @Test func lazyMapYieldsInOrderWithBoundedWork() async throws {
        let started = Counter()
        let tracked = TaskFunction("test.tracked") { (x: Int) -> Int in
            started.increment()
            return x * 2
        }
        try await withPool(functions: Fixtures.all + [tracked]) { () async throws in
            var consumed = 0
            var maximumAhead = 0
            for try await value in Futures.lazyMap(tracked, 0..<1_000, chunkSize: 1, maxInFlight: 8) {
                #expect(value == consumed * 2)
                consumed += 1
                maximumAhead = max(maximumAhead, started.current - consumed)
            }
            #expect(consumed == 1_000)
            // Never more than the window (8 chunks of 1) ahead of the consumer.
            #expect(maximumAhead <= 8)
        }
    }

    @Test func lazyMapWorksOnEndlessInputAndStopsWhenTheLoopEnds() async throws {
        try await withPool { () async throws in
            var collected: [Int] = []
            for try await value in Futures.lazyMap(Fixtures.square, 0..., chunkSize: 16) {
                collected.append(value)
                if collected.count == 100 { break }
            }
            #expect(collected == (0..<100).map { $0 * $0 })
        }
    }

    @Test func lazyMapThrowsAtTheFailingElement() async throws {
        try await withPool { () async throws in
            var seen: [Int] = []
            do {
                for try await value in Futures.lazyMap(Fixtures.positive, [1, 2, -3, 4]) { seen.append(value) }
                Issue.record("lazy map did not throw")
            } catch let failure as TestFailure {
                #expect(failure.value == -3)
            }
            #expect(seen == [1, 2])
        }
    }
}
