@testable import Scoop
import Testing

/// A future submitted by a task holding no slot (the program's body) is a
/// deferred start: the body's await takes it back and runs it inline, its
/// other waits start it, and otherwise the starter thread does.
@Suite struct DeferredStartTests {
    static let inlineCount = TaskFunction("test.deferred.inlineCount") { () -> Int in
        TaskContext.current?.node.deferredStartsRunInline ?? -1
    }
    static var functions: [any RegisteredFunction] { Fixtures.all + [inlineCount] }

    @Test("the body runs the futures it awaits at once inline", arguments: [1, 2])
    func awaitedAtOnceRunsInline(workers: Int) async throws {
        try await withPool(workers: workers, functions: Self.functions) { () async throws in
            for value in 0..<200 {
                #expect(try await Futures.submit(Fixtures.square, value).value == value * value)
            }
            // The starter may start a few first (each waits one tick for
            // its submitter), but not all 200.
            let inline = try await Futures.submit(Self.inlineCount).value
            #expect(inline > 0, "none of 200 awaited futures ran inline")
        }
    }

    @Test("a future the body neither awaits nor waits for still starts", arguments: [1, 2])
    func notAwaitedStillStarts(workers: Int) async throws {
        let ran = Signal()
        let fire = TaskFunction("test.deferred.fire") { () -> Int in
            ran.fire()
            return 1
        }
        try await withPool(workers: workers, functions: Fixtures.all + [fire]) { () async throws in
            let future = try Futures.submit(fire)
            // Not a swift-scoop wait: only the starter thread can start it.
            await ran.wait()
            #expect(try await future.value == 1)
        }
    }

    @Test("a deferred future cancelled before it starts gives its slot back")
    func cancelledBeforeStartFreesItsSlot() async throws {
        try await withPool(workers: 1) { () async throws in
            let cancelled = try Futures.submit(Fixtures.square, 3)
            let node = try #require(TaskContext.current?.node)
            // What `cancel()` does first. Found: it was still a deferred start
            // (one slot, nothing queued), so its slot must be free at once,
            // not when the starter or a wait would have started it. (Not
            // found only if the test thread stalled for a whole starter tick.)
            if node.removeQueued(cancelled.id) {
                #expect(node.heldSlotCount == 0)
            }
            #expect(cancelled.cancel())
            await #expect(throws: CancellationError.self) { try await cancelled.value }
            // With one slot, a slot kept by the cancelled future would leave this queued forever.
            #expect(try await Futures.submit(Fixtures.square, 4).value(timeout: .seconds(30)) == 16)
        }
    }

    @Test("awaiting a queued future starts the deferred one holding the only slot")
    func awaitingTheQueuedOneStartsTheDeferredOne() async throws {
        try await withPool(workers: 1) { () async throws in
            let first = try Futures.submit(Fixtures.square, 5)   // deferred: holds the slot
            let second = try Futures.submit(Fixtures.square, 6)  // queued behind it
            #expect(try await second.value(timeout: .seconds(30)) == 36)
            #expect(try await first.value == 25)
        }
    }

    @Test("many futures awaited in reverse order", arguments: [1, 2])
    func reverseOrder(workers: Int) async throws {
        try await withPool(workers: workers) { () async throws in
            let futures = try (0..<300).map { try Futures.submit(Fixtures.square, $0) }
            for (index, future) in futures.enumerated().reversed() {
                #expect(try await future.value(timeout: .seconds(30)) == index * index)
            }
        }
    }

    @Test("a cancelled task does not run the future it awaits inline; the future still completes")
    func cancelledAwaiterLeavesTheFutureRunning() async throws {
        try await withPool { () async throws in
            let inner = Task { () throws -> (Future<Int>, Bool) in
                let future = try Futures.submit(Fixtures.square, 7)
                withUnsafeCurrentTask { $0?.cancel() }
                do {
                    _ = try await future.value
                    return (future, false)
                } catch is CancellationError {
                    return (future, true)
                }
            }
            let (future, threw) = try await inner.value
            #expect(threw, "awaiting from a cancelled task must throw CancellationError")
            #expect(try await future.value(timeout: .seconds(30)) == 49)
        }
    }

    @Test("futures submitted inside a future start at once, as before (W4's shape)")
    func nestedSubmitsAreNotDeferred() async throws {
        let probe = TaskFunction("test.deferred.nested") { () -> Int in
            let child = try Futures.submit(Fixtures.square, 8)
            return try await child.value
        }
        try await withPool(workers: 2, functions: Fixtures.all + [probe]) { () async throws in
            #expect(try await Futures.submit(probe).value(timeout: .seconds(30)) == 64)
        }
    }
}
