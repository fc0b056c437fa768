#if canImport(Glibc)
import Glibc
#endif

/// The event logs the calling thread writes to, one per ``TraceRecorder``,
/// kept in a thread-specific slot (one pthread key for the process; the
/// slot is released when its thread exits).
///
/// Recorders own their logs; a slot only points at them, without a
/// reference count, and finds a log by its recorder's identity — an identity
/// is never reused, so a slot never reaches the log of a recorder that is
/// gone. Most threads write for one recorder; a process simulating several
/// (tests) has a few, so the slot keeps the most recent ones first, at most
/// ``capacity``; a recorder that falls out simply gets a new log from this
/// thread, nothing is lost.
///
/// Threading: a slot is only ever touched by its own thread, which is why it
/// is a plain class without a lock; it never crosses threads.
final class ThreadTraceSlot {
    static let capacity = 8

    // Only its own thread touches a slot: no run-time exclusivity checks (they cost more than the rest of a record).
    @exclusivity(unchecked) private var entries: [(recorder: UInt64, log: Unmanaged<ThreadEventLog>)] = []

    /// The process's key for slots (recorders copy it, so that the hot path does not check a lazy global).
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { slot in
            guard let slot else { return }
            Unmanaged<ThreadTraceSlot>.fromOpaque(slot).release()
        }
        precondition(status == 0, "pthread_key_create failed (\(status)): no thread-specific slot for trace events")
        return key
    }()

    /// The calling thread's slot under `key` (``key``), created on its first
    /// use. Not retained: it lives as long as its thread.
    @inline(__always)
    static func current(key: pthread_key_t) -> Unmanaged<ThreadTraceSlot> {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<ThreadTraceSlot>.fromOpaque(raw)
        }
        let slot = Unmanaged.passRetained(ThreadTraceSlot())
        pthread_setspecific(key, slot.toOpaque())
        return slot
    }

    /// This thread's log for `recorder`, if it has one.
    @inline(__always)
    func log(for recorder: UInt64) -> Unmanaged<ThreadEventLog>? {
        if let first = entries.first, first.recorder == recorder { return first.log }
        guard let index = entries.firstIndex(where: { $0.recorder == recorder }) else { return nil }
        let entry = entries.remove(at: index)
        entries.insert(entry, at: 0)
        return entry.log
    }

    /// Remembers this thread's new log for `recorder` (which owns it).
    func remember(_ log: ThreadEventLog, for recorder: UInt64) {
        entries.insert((recorder, Unmanaged.passUnretained(log)), at: 0)
        if entries.count > Self.capacity { entries.removeLast() }
    }
}
