import ScoopCore
import Synchronization

extension Futures {
    /// When ``wait(_:timeout:returnWhen:)`` returns.
    public enum ReturnCondition: Sendable {
        /// When every future is done.
        case allCompleted
        /// When any future is done.
        case firstCompleted
        /// When any future fails, or every future is done. Returns; never throws.
        case firstException
    }

    /// The futures that were done when ``wait(_:timeout:returnWhen:)`` returned, and the others, in input order.
    public struct WaitResult<Value: Sendable>: Sendable {
        public let done: [Future<Value>]
        public let notDone: [Future<Value>]
    }

    /// Waits until `returnWhen` holds or `timeout` elapses, then reports which
    /// futures are done. Never throws: inspect the futures.
    ///
    /// ```swift
    /// let outcome = await Futures.wait(futures, timeout: .seconds(2), returnWhen: .firstException)
    /// for future in outcome.done { print(future.error ?? "ok") }
    /// ```
    public static func wait<Value>(
        _ futures: [Future<Value>],
        timeout: Duration? = nil,
        returnWhen: ReturnCondition = .allCompleted
    ) async -> WaitResult<Value> {
        @Sendable func satisfied() -> Bool {
            switch returnWhen {
            case .allCompleted: futures.allSatisfy(\.isDone)
            case .firstCompleted: futures.isEmpty || futures.contains(where: \.isDone)
            case .firstException: futures.allSatisfy(\.isDone) || futures.contains { $0.error != nil }
            }
        }
        @Sendable func snapshot() -> WaitResult<Value> {
            let done = futures.filter(\.isDone)
            return WaitResult(done: done, notDone: futures.filter { !$0.isDone })
        }
        if satisfied() { return snapshot() }
        let node = futures.first?.node
        let gate = Gate()
        let body = {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    gate.arm(continuation)
                    for future in futures {
                        future.core.onCompletion { if satisfied() { gate.open() } }
                    }
                    if let timeout {
                        Task {
                            try? await Task.sleep(for: timeout)
                            gate.open()
                        }
                    }
                    if satisfied() { gate.open() }
                }
            } onCancel: {
                gate.open()
            }
        }
        if let node { await node.lendingSlot(body) } else { await body() }
        return snapshot()
    }

    /// The futures in the order they complete. Throws ``ScoopError/timeout(_:)``
    /// if `timeout` elapses before all of them are done.
    ///
    /// ```swift
    /// for try await future in Futures.asCompleted(futures, timeout: .seconds(10)) {
    ///     print(try await future.value)
    /// }
    /// ```
    public static func asCompleted<Value>(
        _ futures: [Future<Value>],
        timeout: Duration? = nil
    ) -> CompletionSequence<Future<Value>> {
        let (stream, continuation) = AsyncThrowingStream<Future<Value>, any Error>.makeStream()
        let remaining = Atomic<Int>(futures.count)
        if futures.isEmpty { continuation.finish() }
        for future in futures {
            future.onCompletion { done in
                continuation.yield(done)
                if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { continuation.finish() }
            }
        }
        if let timeout, !futures.isEmpty {
            let timer = Task {
                try await Task.sleep(for: timeout)
                let pending = futures.filter { !$0.isDone }.count
                continuation.finish(throwing: ScoopError.timeout("asCompleted: \(pending) of \(futures.count) futures not done within \(timeout)"))
            }
            continuation.onTermination = { _ in timer.cancel() }
        }
        return CompletionSequence(stream: stream, node: futures.first?.node)
    }

    /// Maps in parallel and yields each element's result as soon as it is
    /// ready, with its input index. Throws the first error in completion
    /// order; stopping early cancels the rest.
    ///
    /// ```swift
    /// for try await (index, value) in Futures.mapAsCompleted(square, [3, 1, 2]) { ... }
    /// ```
    public static func mapAsCompleted<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>,
        _ input: repeat [each Argument],
        chunkSize: Int? = nil
    ) throws -> CompletionSequence<(index: Int, value: Result)> {
        let node = try Submission.currentNode("Futures.mapAsCompleted")
        try node.registry.require(function.id, name: function.name)
        try validate(chunkSize)
        let elements = zipped(repeat each input)
        let (stream, continuation) = AsyncThrowingStream<(index: Int, value: Result), any Error>.makeStream()
        let chunks = submitChunks(on: node, function, elements, mode: .map, chunkSize: chunkSize)
        let remaining = Atomic<Int>(chunks.count)
        if chunks.isEmpty { continuation.finish() }
        for chunk in chunks {
            let start = chunk.start
            chunk.core.onCompletion { [core = chunk.core] in
                switch core.outcome {
                case .success(let value)?:
                    for (offset, result) in ((value as? ChunkValues<Result>)?.results ?? []).enumerated() {
                        switch result {
                        case .success(let element): continuation.yield((start + offset, element))
                        case .failure(let error): continuation.finish(throwing: error)
                        }
                    }
                case .failure(let error)?:
                    continuation.finish(throwing: error)
                case nil:
                    break
                }
                if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { continuation.finish() }
            }
        }
        let cores = chunks.map(\.core)
        continuation.onTermination = { _ in for core in cores { _ = node.cancel(core) } }
        return CompletionSequence(stream: stream, node: node)
    }
}

/// Results in completion order (``Futures/asCompleted(_:timeout:)``,
/// ``Futures/mapAsCompleted(_:_:chunkSize:)``). Inside a task, waiting for the
/// next element lends the task's slot, so the awaited work can run there.
public struct CompletionSequence<Element: Sendable>: AsyncSequence, Sendable {
    let stream: AsyncThrowingStream<Element, any Error>
    let node: Node?

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), node: node)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<Element, any Error>.Iterator
        let node: Node?

        public mutating func next() async throws -> Element? {
            guard let node else { return try await base.next() }
            var base = self.base
            defer { self.base = base }
            return try await node.lendingSlot { try await base.next() }
        }
    }
}

/// A one-shot latch: the first `open()` resumes the armed continuation.
private final class Gate: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Void, Never>?, opened: Bool)>((nil, false))

    func arm(_ continuation: CheckedContinuation<Void, Never>) {
        let resumeNow = state.withLock { state -> Bool in
            if state.opened { return true }
            state.continuation = continuation
            return false
        }
        if resumeNow { continuation.resume() }
    }

    func open() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.opened = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }
}
