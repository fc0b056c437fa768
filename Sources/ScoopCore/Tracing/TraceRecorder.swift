#if canImport(Glibc)
import Glibc
#endif
import CScoopSystem
import Synchronization

/// Keeps the trace events of one process in memory until someone takes them
/// (the process's shipper, or the collector when this process writes the trace).
///
/// ```swift
/// let recorder = TraceRecorder()
/// recorder.record(.started, future: id, parent: .none, function: square, worker: .origin)
/// let batch = recorder.take()     // every event since the last take, in nanoseconds
/// ```
///
/// Threading: ``record(_:future:parent:function:worker:bytes:)`` and
/// ``take()`` may be called from any thread. Every recording thread writes
/// to a log of its own (a ``ThreadEventLog`` its thread-local trace cursor
/// points to, else found through its ``ThreadTraceSlot``), without a lock:
/// the event's fields stored in place and one release store of the count. ``take()`` reads every log up to its
/// published count; logs take a lock only to hand over a full chunk.
public final class TraceRecorder: Sendable {
    private static let nextIdentity = Atomic<UInt64>(1)

    /// Tells this recorder from every other one, including later ones at the same address.
    private let identity: UInt64
    private let logs = Mutex<[ThreadEventLog]>([])
    /// Copies of process-wide constants, read on every event without a lazy-global check.
    private let usesCycleCounter = TraceClock.usesCycleCounter
    private let slotKey = ThreadTraceSlot.key

    public init() {
        identity = Self.nextIdentity.wrappingAdd(1, ordering: .relaxed).oldValue
        TraceClock.start()
    }

    /// Records that `future` reached `phase` now (stamped with ``TraceClock/ticks``).
    ///
    /// The event is written straight into the thread's log: built on the
    /// stack and copied, its 16-byte loads would wait for the narrower
    /// stores that built it (a failed store forwarding, most of the cost).
    @inline(__always)
    public func record(_ phase: TraceEvent.Phase, future: FutureID, parent: FutureID, function: FunctionID,
                       worker: WorkerID, bytes: Int = 0) {
        // The log keeps ticks; `take` turns them into nanoseconds.
        let ticks = TraceClock.ticks(usingCycleCounter: usesCycleCounter)
        let cursor = scoop_thread_trace_cursor()!
        if cursor.pointee.recorder == identity, let log = cursor.pointee.log {
            Unmanaged<ThreadEventLog>.fromOpaque(log)._withUnsafeGuaranteedRef {
                $0.append(phase: phase, future: future, parent: parent, function: function, worker: worker,
                          ticks: ticks, bytes: bytes)
            }
        } else {
            log(for: cursor).append(phase: phase, future: future, parent: parent, function: function,
                                    worker: worker, ticks: ticks, bytes: bytes)
        }
    }

    /// This thread's log for this recorder, made on its first event here, now
    /// also the thread's cursor. The thread's slot remembers the logs of the
    /// last few recorders, for threads that alternate between them.
    @inline(never)
    private func log(for cursor: UnsafeMutablePointer<scoop_trace_cursor>) -> ThreadEventLog {
        let slot = ThreadTraceSlot.current(key: slotKey)
        let log: ThreadEventLog
        if let known = slot._withUnsafeGuaranteedRef({ $0.log(for: identity) }) {
            log = known.takeUnretainedValue()
        } else {
            log = ThreadEventLog()
            logs.withLock { $0.append(log) }
            slot._withUnsafeGuaranteedRef { $0.remember(log, for: identity) }
        }
        cursor.pointee = scoop_trace_cursor(recorder: identity, log: Unmanaged.passUnretained(log).toOpaque())
        return log
    }

    /// Every event recorded since the last call, oldest first, stamped in
    /// ``MonotonicClock`` nanoseconds.
    public func take() -> [TraceEvent] {
        var all: [TraceEvent] = []
        for log in logs.withLock({ $0 }) {
            log.drain(into: &all)
        }
        let clock = TraceClock.converter()
        for index in all.indices {
            all[index].timestampNanoseconds = clock.nanoseconds(fromTicks: all[index].timestampNanoseconds)
        }
        all.sort { $0.timestampNanoseconds < $1.timestampNanoseconds }
        return all
    }
}
