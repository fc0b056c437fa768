import DequeModule
import ScoopCore

extension Futures {
    /// A lazy, ordered map: results in input order, computed as they are
    /// asked for, with at most `maxInFlight` chunks of `chunkSize` elements
    /// submitted ahead (back pressure). Works on huge or endless input.
    ///
    /// ```swift
    /// for try await line in Futures.lazyMap(render, 0...) {
    ///     print(line)
    ///     if done { break }          // remaining work is cancelled
    /// }
    /// ```
    /// `maxInFlight` defaults to four chunks per slot of the pool.
    public static func lazyMap<Input: Sequence & Sendable, Result>(
        _ function: TaskFunction<Input.Element, Result>,
        _ input: Input,
        chunkSize: Int = 1,
        maxInFlight: Int? = nil
    ) -> LazyMapSequence<Input, Result> where Input.Element: Codable & Sendable {
        LazyMapSequence(function: function, input: input, chunkSize: max(1, chunkSize), maxInFlight: maxInFlight)
    }
}

/// The sequence returned by ``Futures/lazyMap(_:_:chunkSize:maxInFlight:)``.
public struct LazyMapSequence<Input: Sequence & Sendable, Result: Codable & Sendable>: AsyncSequence, Sendable
where Input.Element: Codable & Sendable {
    public typealias Element = Result
    let function: TaskFunction<Input.Element, Result>
    let input: Input
    let chunkSize: Int
    let maxInFlight: Int?

    public func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self)
    }

    /// Iterates the results in order. Not shareable between tasks.
    public struct Iterator: AsyncIteratorProtocol {
        private let function: TaskFunction<Input.Element, Result>
        private let chunkSize: Int
        private let maxInFlightSetting: Int?
        private var input: Input.Iterator
        private var inputEnded = false
        private let inFlight = InFlightWindow()
        private var ready = Deque<Swift.Result<Result, any Error>>()
        private var node: Node?
        private var failed = false

        init(sequence: LazyMapSequence) {
            function = sequence.function
            chunkSize = sequence.chunkSize
            maxInFlightSetting = sequence.maxInFlight
            input = sequence.input.makeIterator()
        }

        public mutating func next() async throws -> Result? {
            if failed { return nil }
            let node = try currentNode()
            while true {
                if let result = ready.popFirst() {
                    do {
                        return try result.get()
                    } catch {
                        fail()
                        throw error
                    }
                }
                refill(node)
                guard let head = inFlight.cores.popFirst() else { return nil }
                let outcome = await withTaskCancellationHandler {
                    await Submission.outcome(of: head, on: node)
                } onCancel: {
                    _ = node.cancel(head)
                }
                switch outcome {
                case .success(let value):
                    guard let chunk = value as? ChunkValues<Result> else {
                        fail()
                        throw ScoopError.internalInconsistency("lazy map chunk produced \(type(of: value))")
                    }
                    ready.append(contentsOf: chunk.results)
                case .failure(let error):
                    fail()
                    throw error
                }
            }
        }

        private mutating func currentNode() throws -> Node {
            if let node { return node }
            let found = try Submission.currentNode("Futures.lazyMap")
            try found.registry.require(function.id, name: function.name)
            node = found
            return found
        }

        /// Submits chunks until the window is full or the input ends.
        private mutating func refill(_ node: Node) {
            let limit = Swift.max(1, maxInFlightSetting ?? 4 * node.poolSlots)
            while !inputEnded, inFlight.cores.count < limit {
                var chunk: [Input.Element] = []
                chunk.reserveCapacity(chunkSize)
                while chunk.count < chunkSize, let element = input.next() { chunk.append(element) }
                if chunk.count < chunkSize { inputEnded = true }
                guard !chunk.isEmpty else { break }
                inFlight.node = node
                inFlight.cores.append(Submission.submitChunk(on: node, function, chunk, mode: .map))
            }
        }

        /// Stops: cancels what is still in flight.
        private mutating func fail() {
            failed = true
            inFlight.cancelAll()
            ready.removeAll()
        }
    }
}

/// The chunks a lazy map has in flight. When the iterator is dropped (the loop
/// ended early), what is still in flight is cancelled.
/// Not Sendable: owned by one iterator, used by one task at a time.
final class InFlightWindow {
    var cores = Deque<FutureCore>()
    /// The node the chunks were submitted to (set with each, always the same).
    var node: Node?

    func cancelAll() {
        guard let node else { return }   // nothing was submitted
        for core in cores { _ = node.cancel(core) }
        cores.removeAll()
    }

    deinit { cancelAll() }
}
