import Dispatch
import Synchronization

/// A value set once by one thread and awaited (blocking) by others.
///
/// ```swift
/// let ready = MPIOneShot<Int>()
/// // progress thread:  ready.fulfil(42)
/// let value = ready.wait()
/// ```
final class MPIOneShot<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let signal = DispatchSemaphore(value: 0)

    /// Sets the value (later calls are ignored) and releases every waiter.
    func fulfil(_ newValue: Value) {
        let isFirst = value.withLock { current in
            guard current == nil else { return false }
            current = newValue
            return true
        }
        if isFirst { signal.signal() }
    }

    /// Blocks until the value is set.
    func wait() -> Value {
        signal.wait()
        signal.signal()  // pass the wake-up on to the next waiter
        return value.withLock { $0! }
    }

    /// Blocks up to `nanoseconds`; `nil` if the value is still unset.
    func wait(nanoseconds: UInt64) -> Value? {
        guard signal.wait(timeout: .now() + .nanoseconds(Int(min(nanoseconds, UInt64(Int.max))))) == .success else {
            return nil
        }
        signal.signal()
        return value.withLock { $0! }
    }
}
