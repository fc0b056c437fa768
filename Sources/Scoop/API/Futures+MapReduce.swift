import ScoopCore

extension Futures {
    /// Maps in parallel and reduces the results with `reduce`, preserving
    /// order: a non-commutative reduction (string concatenation) gives the
    /// same answer as a sequential left fold.
    ///
    /// Shape: the input is cut into chunks; each chunk is one future that maps
    /// and folds its elements; the chunk results are then combined by a binary
    /// tree of `reduce` futures, each submitted as soon as its two children are
    /// done. No sub-list is copied down the tree.
    ///
    /// - 0 elements: returns `identity`, or throws ``ScoopError/invalidArgument(_:)`` without one.
    /// - 1 element: returns `function(element)`; `reduce` is not called.
    ///
    /// ```swift
    /// let sum = try await Futures.mapReduce(square, add, Array(0..<100_000))
    /// ```
    public static func mapReduce<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>,
        _ reduce: TaskFunction<Result, Result, Result>,
        _ input: repeat [each Argument],
        identity: Result? = nil,
        chunkSize: Int? = nil
    ) async throws -> Result {
        let node = try Submission.currentNode("Futures.mapReduce")
        try node.registry.require(function.id, name: function.name)
        try node.registry.require(reduce.id, name: reduce.name)
        try validate(chunkSize)
        let elements = zipped(repeat each input)
        if elements.isEmpty {
            guard let identity else {
                throw ScoopError.invalidArgument("mapReduce over no elements needs an identity: pass identity: to get it back")
            }
            return identity
        }
        let leafSize = chunkSize ?? max(1, (elements.count + 4 * node.poolSlots - 1) / (4 * node.poolSlots))
        let leaves = submitChunks(on: node, function, elements, mode: .fold, reduce: reduce, chunkSize: leafSize)
        let cores = leaves.map(\.core)
        return try await withCancellingChildren(cores, on: node) {
            try await combine(cores[...], reduce: reduce, node: node)
        }
    }

    /// Reduces the results of `leaves` in order with a balanced tree of futures.
    private static func combine<Result: Codable & Sendable>(
        _ leaves: ArraySlice<FutureCore>,
        reduce: TaskFunction<Result, Result, Result>,
        node: Node
    ) async throws -> Result {
        if leaves.count == 1, let leaf = leaves.first {
            return try Future<Result>.unwrap(await Submission.outcome(of: leaf, on: node))
        }
        let middle = leaves.startIndex + leaves.count / 2
        async let left = combine(leaves[..<middle], reduce: reduce, node: node)
        let right = try await combine(leaves[middle...], reduce: reduce, node: node)
        return try await submit(reduce, try await left, right).value
    }

    /// All prefix reductions of the mapped values, in order:
    /// `[f(x0), r(f(x0), f(x1)), r(r(f(x0), f(x1)), f(x2)), …]`.
    ///
    /// For `[1, 2, 3, 4]` with identity and `+`: `[1, 3, 6, 10]`. No elements: `[]`.
    /// Chunks scan in parallel; the running totals between chunks are then
    /// applied in parallel with a map of `reduce`.
    public static func mapScan<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>,
        _ reduce: TaskFunction<Result, Result, Result>,
        _ input: repeat [each Argument],
        chunkSize: Int? = nil
    ) async throws -> [Result] {
        let node = try Submission.currentNode("Futures.mapScan")
        try node.registry.require(function.id, name: function.name)
        try node.registry.require(reduce.id, name: reduce.name)
        try validate(chunkSize)
        let elements = zipped(repeat each input)
        guard !elements.isEmpty else { return [] }
        let leafSize = chunkSize ?? max(1, (elements.count + 4 * node.poolSlots - 1) / (4 * node.poolSlots))
        let chunks = submitChunks(on: node, function, elements, mode: .scan, reduce: reduce, chunkSize: leafSize)
        let scans: [[Result]] = try await withCancellingChildren(chunks.map(\.core), on: node) {
            var scans: [[Result]] = []
            for chunk in chunks {
                let value = try Future<[Result]>.unwrap(await Submission.outcome(of: chunk.core, on: node))
                scans.append(value)
            }
            return scans
        }
        // carries[k]: the reduction of every element before chunk k.
        var carries: [Result] = []
        var carry: Result?
        for scan in scans {
            if let carry { carries.append(carry) }
            guard let last = scan.last else { continue }
            if let previous = carry {
                carry = try await reduce(previous, last)
            } else {
                carry = last
            }
        }
        var left: [Result] = []
        var right: [Result] = []
        for (index, scan) in scans.enumerated().dropFirst() {
            left.append(contentsOf: repeatElement(carries[index - 1], count: scan.count))
            right.append(contentsOf: scan)
        }
        let adjusted = try await map(reduce, left, right)
        return scans[0] + adjusted
    }
}
