@testable import Scoop
import Testing

/// A future submitted by the program's body's own task is a deferred start: the body's own await takes it back and runs it
/// inline, waits through the node start it, cancelling it frees its slot,
/// and otherwise the starter thread starts it.
@Suite struct DeferredStartTests {
    static let nestedProbe = TaskFunction("test.deferred.nested") { () -> Int in
        let child = try Futures.submit(Fixtures.square, 8)
        // Submitted by a future (it holds a slot): started at once, never deferred.
        let deferred = TaskContext.current?.node.deferredStartCount ?? -1
        return try await child.value + 1000 * deferred
    }
    static var functions: [any RegisteredFunction] { Fixtures.all + [nestedProbe] }

    @Test("the body runs the futures it awaits at once inline", arguments: [1, 2])
    func awaitedAtOnceRunsInline(workers: Int) async throws {
        try await withPool(workers: workers, functions: Self.functions) { () async throws in
            let node = try #require(TaskContext.current?.node)
            let before = node.deferredStartsRunInline
            for value in 0..<200 {
                #expect(try await Futures.submit(Fixtures.square, value).value == value * value)
            }
            // The starter's sweeps may take a few (one every millisecond while
            // it ticks, more if this thread stalls between submit and await
            // on a loaded machine), but the body takes back most.
            let inline = node.deferredStartsRunInline - before
            #expect(inline >= 20, "only \(inline) of 200 awaited futures ran inline")
        }
    }

    @Test("a task the body made does not run what it awaits inline: cancelling it must not reach the future")
    func childTasksDoNotRunInline() async throws {
        try await withPool(functions: Self.functions) { () async throws in
            let node = try #require(TaskContext.current?.node)
            let before = node.deferredStartsRunInline
            let child = Task { () throws -> Int in
                var sum = 0
                for value in 0..<50 { sum += try await Futures.submit(Fixtures.square, value).value }
                return sum
            }
            #expect(try await child.value == (0..<50).reduce(0) { $0 + $1 * $1 })
            #expect(node.deferredStartsRunInline == before)
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
            #expect(await finishesWithin30Seconds { await ran.wait() }, "the starter never started the future")
            #expect(try await future.value == 1)
        }
    }

    @Test("a deferred future cancelled before it starts gives its slot back at once")
    func cancelledBeforeStartFreesItsSlot() async throws {
        try await withPool(workers: 1) { () async throws in
            let cancelled = try Futures.submit(Fixtures.square, 3)
            let node = try #require(TaskContext.current?.node)
            // What `cancel()` does first. Found: it was still a deferred start
            // (one slot, nothing queued), so its slot must be free at once,
            // not when the starter or a wait would have started it. (Not
            // found only if the test thread stalled through a starter sweep.)
            if node.removeQueued(cancelled.id) {
                #expect(node.heldSlotCount == 0)
            }
            #expect(cancelled.cancel())
            await #expect(throws: CancellationError.self) { try await cancelled.value }
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

    @Test("futures submitted inside a future start at once; they are never deferred")
    func nestedSubmitsAreNotDeferred() async throws {
        try await withPool(workers: 2, functions: Self.functions) { () async throws in
            #expect(try await Futures.submit(Self.nestedProbe).value(timeout: .seconds(30)) == 64)
        }
    }
}
