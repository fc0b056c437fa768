import Dispatch
import Foundation

/// Fires `action` on a dedicated thread if not disarmed within `seconds`.
///
/// Independent of Swift's cooperative thread pool, so it fires even when
/// every pool thread is stuck (the deadlock it exists to report).
struct Watchdog: Sendable {
    private let disarmed = DispatchSemaphore(value: 0)

    static func arm(seconds: Double, action: @escaping @Sendable () -> Void) -> Watchdog {
        let watchdog = Watchdog()
        let semaphore = watchdog.disarmed
        Thread.detachNewThread {
            if semaphore.wait(timeout: .now() + seconds) == .timedOut { action() }
        }
        return watchdog
    }

    func disarm() { disarmed.signal() }
}
