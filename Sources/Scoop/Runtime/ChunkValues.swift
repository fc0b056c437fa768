/// What one chunk of a map produced: the values of the elements that
/// succeeded, in input order, and the errors of those that failed.
///
/// Keeping values in a plain array (not one `Result` per element) lets a map
/// with no failures concatenate whole chunks, and lets a remote chunk travel
/// as one encoded array (a single copy for numeric types).
///
/// ```swift
/// let chunk = ChunkValues(values: [1, 9], failures: [ChunkFailure(index: 1, error: error)])
/// chunk.count      // 3
/// chunk.results    // [.success(1), .failure(error), .success(9)]
/// ```
@usableFromInline
struct ChunkValues<Value: Sendable>: Sendable {
    /// The successful elements' values, in input order.
    @usableFromInline var values: [Value]
    /// The failed elements, by ascending index within the chunk.
    @usableFromInline var failures: [ChunkFailure]

    @inlinable
    init(values: [Value], failures: [ChunkFailure]) {
        self.values = values
        self.failures = failures
    }

    /// How many elements the chunk held.
    var count: Int { values.count + failures.count }

    /// The first failure, if any element failed.
    var firstFailure: ChunkFailure? { failures.first }

    /// Every element's outcome, in input order.
    var results: [Swift.Result<Value, any Error>] {
        var results: [Swift.Result<Value, any Error>] = []
        results.reserveCapacity(count)
        var nextValue = 0
        var failureIterator = failures.makeIterator()
        var pending = failureIterator.next()
        for index in 0..<count {
            if let failure = pending, failure.index == index {
                results.append(.failure(failure.error))
                pending = failureIterator.next()
            } else {
                results.append(.success(values[nextValue]))
                nextValue += 1
            }
        }
        return results
    }
}

/// One failed element of a chunk.
@usableFromInline
struct ChunkFailure: Sendable {
    /// The element's index within its chunk.
    @usableFromInline var index: Int
    @usableFromInline var error: any Error

    @inlinable
    init(index: Int, error: any Error) {
        self.index = index
        self.error = error
    }
}

/// What folding one chunk produced: the fold of all its elements and, for
/// scans, every prefix fold.
@usableFromInline
struct FoldValues<Value: Sendable>: Sendable {
    /// The left fold of the chunk's values; nil for an empty chunk.
    @usableFromInline var accumulator: Value?
    /// The inclusive prefix folds (scans only; empty otherwise).
    @usableFromInline var prefixes: [Value]

    @inlinable
    init(accumulator: Value?, prefixes: [Value]) {
        self.accumulator = accumulator
        self.prefixes = prefixes
    }
}
