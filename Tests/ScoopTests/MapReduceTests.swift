import Scoop
import Testing

@Suite struct MapReduceTests {
    @Test(arguments: [1, 2, 4], [false, true])
    func sumOfSquares(workers: Int, checkCodec: Bool) async throws {
        try await withPool(workers: workers, checkCodec: checkCodec) { () async throws in
            let sum = try await Futures.mapReduce(Fixtures.square, Fixtures.add, Array(0..<100_000))
            #expect(sum == 333_328_333_350_000)
        }
    }

    @Test(arguments: [nil, 1, 3, 26] as [Int?])
    func aNonCommutativeReductionKeepsOrder(chunkSize: Int?) async throws {
        try await withPool(workers: 3) { () async throws in
            let text = try await Futures.mapReduce(Fixtures.letter, Fixtures.concatenate, Array(0..<52), chunkSize: chunkSize)
            #expect(text == "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz")
        }
    }

    @Test func zeroAndOneInputs() async throws {
        try await withPool { () async throws in
            await #expect(throws: ScoopError.self) { try await Futures.mapReduce(Fixtures.square, Fixtures.add, []) }
            #expect(try await Futures.mapReduce(Fixtures.square, Fixtures.add, [], identity: 0) == 0)
            #expect(try await Futures.mapReduce(Fixtures.square, Fixtures.add, [7]) == 49)
            #expect(try await Futures.mapReduce(Fixtures.letter, Fixtures.concatenate, [2]) == "c")
        }
    }

    @Test func mapReduceThrowsAMapError() async throws {
        try await withPool { () async throws in
            await #expect(throws: TestFailure.self) {
                try await Futures.mapReduce(Fixtures.failAt, Fixtures.add, [1, 2, 3], [2, 2, 2])
            }
        }
    }

    @Test(arguments: [false, true])
    func mapScanGivesPrefixReductions(checkCodec: Bool) async throws {
        try await withPool(checkCodec: checkCodec) { () async throws in
            #expect(try await Futures.mapScan(Fixtures.identity, Fixtures.add, [1, 2, 3, 4]) == [1, 3, 6, 10])
            #expect(try await Futures.mapScan(Fixtures.identity, Fixtures.add, []) == [])
            #expect(try await Futures.mapScan(Fixtures.identity, Fixtures.add, [5]) == [5])
            let input = Array(1...1_000)
            var expected: [Int] = []
            var running = 0
            for x in input { running += x * x; expected.append(running) }
            for chunkSize in [nil, 1, 7] as [Int?] {
                #expect(try await Futures.mapScan(Fixtures.square, Fixtures.add, input, chunkSize: chunkSize) == expected)
            }
            let letters = try await Futures.mapScan(Fixtures.letter, Fixtures.concatenate, Array(0..<5), chunkSize: 2)
            #expect(letters == ["a", "ab", "abc", "abcd", "abcde"])
        }
    }
}
