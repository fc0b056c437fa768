import ScoopCore

extension Futures {
    /// Applies `function` to every element (to the elements of several arrays
    /// pairwise) in parallel; results in input order.
    ///
    /// Tiny tasks are batched automatically: elements travel in chunks whose
    /// size shrinks as the map nears its end. Pass `chunkSize` to fix it.
    /// Throws the error of the lowest-index element that failed.
    ///
    /// With `timeout`, the whole map must complete within it: elements not
    /// done by then fail with ``ScoopError/timedOut(function:limit:)`` and
    /// their execution is cancelled everywhere (see ``submit(_:_:timeout:)``).
    ///
    /// ```swift
    /// let squares = try await Futures.map(square, [1, 2, 3])        // [1, 4, 9]
    /// let sums = try await Futures.map(add, [1, 2], [10, 20])       // [11, 22]
    /// let soon = try await Futures.map(square, Array(1...1000), timeout: .seconds(10))
    /// ```
    public static func map<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>,
        _ input: repeat [each Argument],
        chunkSize: Int? = nil,
        timeout: Duration? = nil
    ) async throws -> [Result] {
        let chunks = try await mapChunks(function, repeat each input, chunkSize: chunkSize, timeout: timeout)
        var values: [Result] = []
        values.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for chunk in chunks {
            if let failure = chunk.firstFailure { throw failure.error }
            values.append(contentsOf: chunk.values)
        }
        return values
    }

    /// Like ``map(_:_:chunkSize:timeout:)`` but returns every element's outcome
    /// instead of throwing the first error: with a `timeout`, what completed
    /// in time is kept and the rest fail with ``ScoopError/timedOut(function:limit:)``.
    ///
    /// ```swift
    /// let outcomes = try await Futures.mapResults(square, [1, 2, 3], timeout: .seconds(1))
    /// let done = outcomes.compactMap { try? $0.get() }
    /// ```
    public static func mapResults<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>,
        _ input: repeat [each Argument],
        chunkSize: Int? = nil,
        timeout: Duration? = nil
    ) async throws -> [Swift.Result<Result, any Error>] {
        let chunks = try await mapChunks(function, repeat each input, chunkSize: chunkSize, timeout: timeout)
        var results: [Swift.Result<Result, any Error>] = []
        results.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for chunk in chunks { results.append(contentsOf: chunk.results) }
        return results
    }

    /// Runs a map as chunk futures and returns each chunk's values and failures, in order.
    static func mapChunks<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>,
        _ input: repeat [each Argument],
        chunkSize: Int?,
        timeout: Duration?
    ) async throws -> [ChunkValues<Result>] {
        let node = try Submission.currentNode("Futures.map")
        try node.registry.require(function.id, name: function.name)
        try validate(chunkSize)
        try Deadline.validate(timeout)
        let elements = zipped(repeat each input)
        let chunks = submitChunks(on: node, function, elements, mode: .map, chunkSize: chunkSize)
        if let timeout { Deadline.arm(chunks.map(\.core), on: node, limit: timeout, function: function.name) }
        return try await withCancellingChildren(chunks.map(\.core), on: node) {
            var outcomes: [ChunkValues<Result>] = []
            outcomes.reserveCapacity(chunks.count)
            for chunk in chunks {
                switch await Submission.outcome(of: chunk.core, on: node) {
                case .success(let value):
                    guard let values = value as? ChunkValues<Result> else {
                        throw ScoopError.internalInconsistency("map chunk produced \(type(of: value))")
                    }
                    outcomes.append(values)
                case .failure(let error):
                    if error is CancellationError { throw error }
                    let failures = (0..<chunk.count).map { ChunkFailure(index: $0, error: error) }
                    outcomes.append(ChunkValues(values: [], failures: failures))
                }
            }
            return outcomes
        }
    }

    static func validate(_ chunkSize: Int?) throws {
        if let chunkSize, chunkSize < 1 {
            throw ScoopError.invalidArgument("chunkSize must be at least 1 (got \(chunkSize))")
        }
    }

    /// The elements of several arrays, pairwise (as long as the shortest).
    static func zipped<each Argument>(_ input: repeat [each Argument]) -> [(repeat each Argument)] {
        var count = Int.max
        var arity = 0
        for array in repeat each input {
            count = min(count, array.count)
            arity += 1
        }
        if arity == 1 {
            // One array: its elements already are the one-element tuples (a
            // one-element tuple is its element), so share its storage instead
            // of copying element by element.
            for array in repeat each input {
                if let same = array as? [(repeat each Argument)] { return same }
            }
        }
        if count == Int.max { return [] }
        var elements: [(repeat each Argument)] = []
        elements.reserveCapacity(count)
        for index in 0..<count { elements.append((repeat (each input)[index])) }
        return elements
    }

    /// Splits `elements` into chunk futures; returns each chunk's core, first index and size.
    static func submitChunks<each Argument, Result>(
        on node: Node,
        _ function: TaskFunction<repeat each Argument, Result>,
        _ elements: [(repeat each Argument)],
        mode: ChunkMode,
        reduce: TaskFunction<Result, Result, Result>? = nil,
        chunkSize: Int?
    ) -> [(core: FutureCore, start: Int, count: Int)] {
        var chunks: [(core: FutureCore, start: Int, count: Int)] = []
        var start = 0
        var elementLimit = ChunkPlan.maximumChunk
        var costlyToMove = false
        if node.transport != nil, chunkSize == nil, let first = elements.first {
            // Chunks may leave the process: size them by bytes too, so that
            // large elements travel in messages of about `targetBytes` that
            // pipeline across workers, not in one huge message.
            var writer = PayloadWriter()
            if (try? function.encodeArguments(repeat each first, into: &writer)) != nil {
                elementLimit = ChunkPlan.elementLimit(forEncodedElementSize: writer.bytes.count)
                costlyToMove = ChunkPlan.isCostlyToMove(elementBytes: writer.bytes.count)
            }
        }
        let localShare = ChunkPlan.localShare(of: elements.count, on: node, mode: mode, chunkSize: chunkSize)
        for size in ChunkPlan.sizes(count: elements.count, slots: node.poolSlots, chunkSize: chunkSize,
                                    maximumElements: elementLimit) {
            let slice = Array(elements[start..<start + size])
            let core = Submission.submitChunk(on: node, function, slice, mode: mode, reduce: reduce,
                                              costlyToMove: costlyToMove, beyondLocalShare: start + size > localShare)
            chunks.append((core, start, size))
            start += size
        }
        // The program's own maps (not those inside futures) may show a progress bar.
        if let progress = node.progress, (TaskContext.current?.future ?? FutureID.none) == FutureID.none {
            progress.track(chunks.map { ($0.core, $0.count) }, total: elements.count)
        }
        return chunks
    }

    /// Runs `body`; if the calling task is cancelled meanwhile, cancels `cores`.
    static func withCancellingChildren<T>(_ cores: [FutureCore], on node: Node,
                                          _ body: () async throws -> T) async throws -> T {
        try await withTaskCancellationHandler {
            try await body()
        } onCancel: {
            for core in cores { _ = node.cancel(core) }
        }
    }
}

extension Submission {
    /// Waits for a core the way `Future.value` does (inline or lending the slot).
    static func outcome(of core: FutureCore, on node: Node) async -> FutureCore.Outcome {
        if let done = core.outcome { return done }
        if let context = TaskContext.current, context.node === node {
            return await node.awaitChild(core)
        }
        return await core.wait()
    }
}
