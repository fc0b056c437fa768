import Scoop
import Synchronization

/// Task functions shared by the API tests.
enum Fixtures {
    static let identity = TaskFunction("test.identity") { (x: Int) in x }
    static let square = TaskFunction("test.square") { (x: Int) in x * x }
    static let add = TaskFunction("test.add") { (a: Int, b: Int) in a + b }
    static let sum3 = TaskFunction("test.sum3") { (a: Int, b: Int, c: Int) in a + b + c }
    static let answer = TaskFunction("test.answer") { () in 42 }
    static let concatenate = TaskFunction("test.concatenate") { (a: String, b: String) in a + b }
    static let letter = TaskFunction("test.letter") { (i: Int) in String(UnicodeScalar(UInt8(97 + i % 26))) }
    static let sleepMilliseconds = TaskFunction("test.sleep") { (ms: Int) -> Int in
        try await Task.sleep(for: .milliseconds(ms))
        return ms
    }
    static let failAt = TaskFunction("test.failAt") { (x: Int, bad: Int) -> Int in
        if x == bad { throw TestFailure(value: x) }
        return x
    }

    static let positive = TaskFunction("test.positive") { (x: Int) -> Int in
        if x < 0 { throw TestFailure(value: x) }
        return x
    }

    static var all: [any RegisteredFunction] {
        [identity, square, add, sum3, answer, concatenate, letter, sleepMilliseconds, failAt, positive]
    }
}

struct TestFailure: Error, Equatable, CustomStringConvertible {
    let value: Int
    var description: String { "element \(value) is bad" }
}

/// A counter shared between tasks.
final class Counter: Sendable {
    private let value = Mutex(0)
    @discardableResult func increment() -> Int { value.withLock { $0 += 1; return $0 } }
    func decrement() { value.withLock { $0 -= 1 } }
    var current: Int { value.withLock { $0 } }
}

/// A one-shot signal a task can wait for (no sleeps to paper over races).
final class Signal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.fired { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
    var fired: Bool { state.withLock { $0.fired } }
}

/// Runs `body` on a fresh threads pool.
@discardableResult
func withPool<T>(workers: Int = 2, checkCodec: Bool = false, functions: [any RegisteredFunction] = Fixtures.all,
                 _ body: () async throws -> T) async throws -> T {
    try await Pool.run(functions: functions, options: PoolOptions(workers: workers, checkCodec: checkCodec), body: body)
}

/// Whether `body` finished within 30 s: a test fails rather than hangs (a
/// body stuck in a wait that ignores cancellation is left behind).
func finishesWithin30Seconds(_ body: @escaping @Sendable () async -> Void) async -> Bool {
    let (outcomes, outcome) = AsyncStream<Bool>.makeStream()
    Task { await body(); outcome.yield(true) }
    let timer = Task { try? await Task.sleep(for: .seconds(30)); outcome.yield(false) }
    var first = outcomes.makeAsyncIterator()
    let finished = await first.next() ?? false
    timer.cancel()
    return finished
}
