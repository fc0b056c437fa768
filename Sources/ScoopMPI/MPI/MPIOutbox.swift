#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A payload queued for the progress thread to send.
struct MPIOutgoingMessage: Sendable {
    var bytes: [UInt8]
    var destination: Int32
    var tag: Int32
    var maxPartSize: Int
}

/// The hand-off from any thread to the progress thread, and the progress
/// thread's interruptible sleep.
///
/// Any thread may `post`, `requestStop` or `requestAbort`; only the progress
/// thread calls `take`, `sleep` and `close`. A post wakes a sleeping progress
/// thread at once (condition variable), so queued sends never wait for a
/// back-off sleep to end.
///
/// `@unchecked Sendable`: every stored variable is read and written only with
/// `mutex` held; `condition` is signalled with it.
///
/// ```swift
/// let outbox = MPIOutbox()
/// outbox.post(MPIOutgoingMessage(bytes: [1], destination: 1, tag: 0, maxPartSize: 1 << 30))
/// outbox.sleep(nanoseconds: 1_000_000)  // returns at once: something is queued
/// let batch = outbox.take()
/// ```
final class MPIOutbox: @unchecked Sendable {
    /// What the progress thread takes in one go.
    struct Batch {
        var messages: [MPIOutgoingMessage]
        var stopRequested: Bool
        var abortCode: Int32?
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var queue: [MPIOutgoingMessage] = []
    private var stopRequested = false
    private var stopTaken = false
    private var abortCode: Int32?
    private var isSleeping = false
    private var isClosed = false

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Queues `message`; `false` (message dropped) once the outbox is closed.
    @discardableResult
    func post(_ message: MPIOutgoingMessage) -> Bool {
        locked { () -> Bool in
            guard !isClosed else { return false }
            queue.append(message)
            wakeIfSleeping()
            return true
        }
    }

    /// Asks the progress thread to drain its sends and finalise.
    func requestStop() {
        locked {
            stopRequested = true
            wakeIfSleeping()
        }
    }

    /// Asks the progress thread to call `MPI_Abort(code)`.
    func requestAbort(code: Int32) {
        locked {
            if abortCode == nil { abortCode = code }
            wakeIfSleeping()
        }
    }

    /// Everything queued since the last call, and whether a stop or an abort
    /// has been requested.
    func take() -> Batch {
        locked {
            let batch = Batch(messages: queue, stopRequested: stopRequested, abortCode: abortCode)
            if !queue.isEmpty { queue = [] }
            stopTaken = stopRequested
            return batch
        }
    }

    /// Sleeps up to `nanoseconds`, or less if anything is posted or
    /// requested that `take` has not returned yet.
    func sleep(nanoseconds: UInt64) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard queue.isEmpty, stopRequested == stopTaken, abortCode == nil else { return }
        isSleeping = true
        timedWait(nanoseconds: nanoseconds)
        isSleeping = false
    }

    /// Refuses every later post (the progress thread has stopped).
    func close() {
        locked {
            isClosed = true
            queue = []
        }
    }

    /// Signals the sleeping progress thread; the caller holds `mutex`.
    private func wakeIfSleeping() {
        if isSleeping { pthread_cond_signal(condition) }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// `pthread_cond_timedwait`; the caller holds `mutex`.
    private func timedWait(nanoseconds: UInt64) {
        #if canImport(Darwin)
        var relative = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        _ = pthread_cond_timedwait_relative_np(condition, mutex, &relative)
        #else
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let total = UInt64(now.tv_nsec) + nanoseconds % 1_000_000_000
        var deadline = timespec()
        deadline.tv_sec = now.tv_sec + Int(nanoseconds / 1_000_000_000) + Int(total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        _ = pthread_cond_timedwait(condition, mutex, &deadline)
        #endif
    }
}
