import Synchronization

/// The slot a running future holds, shared by every task working for that
/// future (its body, `async let` children, inline children it runs).
///
/// Awaiting lends the slot out once, however many of those tasks await at the
/// same time, and takes it back when the last of them resumes. Thread-safe.
final class SlotToken: Sendable {
    private let state = Mutex<(lent: Int, finished: Bool)>((0, false))

    /// Returns true when this call lent the slot (the first concurrent waiter).
    func lend() -> Bool {
        state.withLock {
            guard !$0.finished else { return false }
            $0.lent += 1
            return $0.lent == 1
        }
    }

    /// Returns true when this call took the slot back (the last waiter resumed).
    func reclaim() -> Bool {
        state.withLock {
            guard !$0.finished else { return false }
            $0.lent -= 1
            return $0.lent == 0
        }
    }

    /// The future is over. Returns true if its slot was lent at that moment
    /// (a straggling child task still waits), so it is already released.
    func finish() -> Bool {
        state.withLock {
            $0.finished = true
            return $0.lent > 0
        }
    }
}
