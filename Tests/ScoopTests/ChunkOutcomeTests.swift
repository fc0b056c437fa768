import Scoop
import Testing

/// Chunks keep successful values apart from failures; these tests check that
/// every element's outcome lands at its own index, for synchronous bodies (the
/// specialised chunk kernel), asynchronous bodies, in checking mode (results
/// encoded as a remote worker would) and across simulated processes.
@Suite struct ChunkOutcomeTests {
    static let failSync = TaskFunction("test.chunk.failSync") { (x: Int) throws -> Int in
        if x % 7 == 3 { throw TestFailure(value: x) }
        return x * 3
    }
    static let failAsync = TaskFunction("test.chunk.failAsync") { (x: Int) async throws -> Int in
        await Task.yield()
        if x % 7 == 3 { throw TestFailure(value: x) }
        return x * 3
    }
    static let functions: [any RegisteredFunction] = Fixtures.all + [failSync, failAsync]

    static func check(_ results: [Result<Int, any Error>], count: Int) {
        #expect(results.count == count)
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let value):
                #expect(index % 7 != 3 && value == index * 3, "element \(index)")
            case .failure(let error):
                #expect(index % 7 == 3 && "\(error)".contains("element \(index) is bad"), "element \(index): \(error)")
            }
        }
    }

    @Test(arguments: [false, true], [nil, 1, 5, 64] as [Int?])
    func outcomesKeepTheirIndexOnThreads(checkCodec: Bool, chunkSize: Int?) async throws {
        try await withPool(checkCodec: checkCodec, functions: Self.functions) { () async throws in
            let input = Array(0..<400)
            Self.check(try await Futures.mapResults(Self.failSync, input, chunkSize: chunkSize), count: input.count)
            Self.check(try await Futures.mapResults(Self.failAsync, input, chunkSize: chunkSize), count: input.count)
            await #expect(throws: (any Error).self) { try await Futures.map(Self.failSync, input, chunkSize: chunkSize) }
        }
    }

    @Test func outcomesKeepTheirIndexAcrossProcesses() async throws {
        try await Pool.run(functions: Self.functions, options: PoolOptions(simulatedProcesses: 3)) { () async throws in
            let input = Array(0..<2_000)
            Self.check(try await Futures.mapResults(Self.failSync, input), count: input.count)
            Self.check(try await Futures.mapResults(Self.failAsync, input, chunkSize: 50), count: input.count)
            var seen = 0
            for try await value in Futures.lazyMap(Fixtures.square, 0..<1_000, chunkSize: 32) {
                #expect(value == seen * seen)
                seen += 1
            }
            #expect(seen == 1_000)
        }
    }
}
