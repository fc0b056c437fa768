#if canImport(Glibc)
import Glibc
#endif
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
/// to a log of its own (a ``ThreadEventLog`` found through its thread's
/// ``ThreadTraceSlot``), without a lock: a store of the event and one
/// release store of the count. ``take()`` reads every log up to its
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
    @inline(__always)
    public func record(_ phase: TraceEvent.Phase, future: FutureID, parent: FutureID, function: FunctionID,
                       worker: WorkerID, bytes: Int = 0) {
        // The log keeps ticks; `take` turns them into nanoseconds.
        append(TraceEvent(phase: phase, future: future, parent: parent, function: function, worker: worker,
                          timestampNanoseconds: TraceClock.ticks(usingCycleCounter: usesCycleCounter), bytes: bytes))
    }

    private func append(_ event: TraceEvent) {
        ThreadTraceSlot.current(key: slotKey)._withUnsafeGuaranteedRef { slot in
            if let log = slot.log(for: identity) {
                log._withUnsafeGuaranteedRef { $0.append(event) }
            } else {
                let log = ThreadEventLog()
                logs.withLock { $0.append(log) }
                slot.remember(log, for: identity)
                log.append(event)
            }
        }
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
