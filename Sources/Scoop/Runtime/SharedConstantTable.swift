import ScoopCore
import Synchronization

/// This process's copy of the shared constants: encoded values by name, and
/// the tasks waiting for names not arrived yet. Thread-safe.
final class SharedConstantTable: Sendable {
    private struct State {
        var values: [String: [UInt8]] = [:]
        var waiters: [String: [(id: UInt64, continuation: CheckedContinuation<[UInt8], any Error>)]] = [:]
        var nextWaiterID: UInt64 = 0
        var failure: String?
    }
    private let state = Mutex(State())

    /// Stores a value. Returns false if the name already had one (kept).
    @discardableResult
    func store(_ name: String, bytes: [UInt8]) -> Bool {
        let woken: [CheckedContinuation<[UInt8], any Error>]? = state.withLock {
            guard $0.values[name] == nil else { return nil }
            $0.values[name] = bytes
            return $0.waiters.removeValue(forKey: name)?.map(\.continuation) ?? []
        }
        guard let woken else { return false }
        for waiter in woken { waiter.resume(returning: bytes) }
        return true
    }

    func value(_ name: String) -> [UInt8]? { state.withLock { $0.values[name] } }

    var all: [String: [UInt8]] { state.withLock { $0.values } }

    /// Waits for `name` at most `timeout`.
    func wait(_ name: String, timeout: Duration) async throws -> [UInt8] {
        if let bytes = value(name) { return bytes }
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            if Task.isCancelled { return }
            self?.fail(name, id, ScoopError.timeout(
                "shared constant '\(name)' did not arrive within \(timeout); is it set with Shared.set(\"\(name)\", ...) before it is read?"))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome: Swift.Result<[UInt8], any Error>? = state.withLock {
                    if let bytes = $0.values[name] { return .success(bytes) }
                    if let failure = $0.failure { return .failure(ScoopError.poolUnavailable(failure)) }
                    $0.waiters[name, default: []].append((id, continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
                else if Task.isCancelled { fail(name, id, CancellationError()) }
            }
        } onCancel: {
            fail(name, id, CancellationError())
        }
    }

    private func fail(_ name: String, _ id: UInt64, _ error: any Error) {
        let continuation: CheckedContinuation<[UInt8], any Error>? = state.withLock { state in
            guard let index = state.waiters[name]?.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters[name]?.remove(at: index).continuation
        }
        continuation?.resume(throwing: error)
    }

    /// The pool is gone: every waiter fails now, and later waits fail at once.
    func failAll(reason: String) {
        let all: [CheckedContinuation<[UInt8], any Error>] = state.withLock { state in
            state.failure = reason
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap { $0.map(\.continuation) }
        }
        for waiter in all { waiter.resume(throwing: ScoopError.poolUnavailable(reason)) }
    }
}
