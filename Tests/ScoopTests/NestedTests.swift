import Scoop
import Testing

/// Futures that submit futures: awaiting a child never blocks a thread, so
/// these complete even with a single worker.
enum Nested {
    static func serialFib(_ n: Int) -> Int { n < 2 ? n : serialFib(n - 1) + serialFib(n - 2) }

    static let fib: TaskFunction<Int, Int> = TaskFunction("test.fib") { (n: Int) -> Int in
        if n < 10 { return serialFib(n) }
        let a = try Futures.submit(fib, n - 1)
        let b = try Futures.submit(fib, n - 2)
        return try await a.value + b.value
    }

    /// A tree of depth `level`: mixes submit, map and asCompleted at each level.
    static let tree: TaskFunction<Int, Int> = TaskFunction("test.tree") { (level: Int) -> Int in
        if level == 0 { return 1 }
        switch level % 3 {
        case 0:
            let children = try (0..<2).map { _ in try Futures.submit(tree, level - 1) }
            var total = 1
            for try await child in Futures.asCompleted(children) { total += try await child.value }
            return total
        case 1:
            return 1 + (try await Futures.map(tree, [level - 1, level - 1]).reduce(0, +))
        default:
            let a = try Futures.submit(tree, level - 1)
            let b = try Futures.submit(tree, level - 1)
            let waited = await Futures.wait([a, b])
            #expect(waited.notDone.isEmpty)
            return 1 + (try await a.value) + (try await b.value)
        }
    }
}

@Suite struct NestedTests {
    @Test(arguments: [1, 2, 4])
    func fibWithFuturesAboveACutoff(workers: Int) async throws {
        try await withPool(workers: workers, functions: [Nested.fib]) { () async throws in
            #expect(try await Futures.submit(Nested.fib, 25).value == 75_025)
        }
    }

    @Test(arguments: [1, 2])
    func aFiveLevelTreeOfSubmitsMapsAndAsCompleted(workers: Int) async throws {
        try await withPool(workers: workers, functions: [Nested.tree]) { () async throws in
            // A full binary tree of depth 5 has 2^6 - 1 nodes.
            #expect(try await Futures.submit(Nested.tree, 5).value == 63)
        }
    }

    @Test func nestedFuturesWorkInCheckingMode() async throws {
        try await withPool(workers: 1, checkCodec: true, functions: [Nested.fib, Nested.tree]) { () async throws in
            #expect(try await Futures.submit(Nested.fib, 15).value == 610)
            #expect(try await Futures.submit(Nested.tree, 5).value == 63)
        }
    }
}
