#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A ``TraceSink`` that keeps events in memory until someone takes them
/// (the process's shipper, or the collector when this process writes the trace).
///
/// ```swift
/// let recorder = TraceRecorder()
/// recorder.record(event)
/// let batch = recorder.take()     // every event since the last take
/// ```
///
/// Threading: ``record(_:)`` and ``take()`` may be called from any thread.
/// Events go to one of a few shards chosen by the recording thread, each
/// behind its own lock, so threads rarely contend; an append allocates only
/// when a shard's buffer grows.
public final class TraceRecorder: TraceSink {
    private static let shardCount = 8
    private let shards: [Shard]

    /// One lock and buffer; a separate object, so shards do not share a cache line's lock word.
    private final class Shard: Sendable {
        let events: Mutex<[TraceEvent]>
        init(capacity: Int) {
            var initial: [TraceEvent] = []
            initial.reserveCapacity(capacity)
            events = Mutex(initial)
        }
    }

    public init(reservingCapacity capacity: Int = 2048) {
        shards = (0..<Self.shardCount).map { _ in Shard(capacity: capacity) }
    }

    public func record(_ event: TraceEvent) {
        // pthread_t is the thread's control block address: its middle bits differ between threads.
        let shard = Int(truncatingIfNeeded: UInt(bitPattern: Int(bitPattern: UInt(pthread_self()))) >> 12) & (Self.shardCount - 1)
        shards[shard].events.withLock { $0.append(event) }
    }

    /// Every event recorded since the last call, oldest first.
    public func take() -> [TraceEvent] {
        var all: [TraceEvent] = []
        for shard in shards {
            shard.events.withLock { events in
                all.append(contentsOf: events)
                events.removeAll(keepingCapacity: true)
            }
        }
        all.sort { $0.timestampNanoseconds < $1.timestampNanoseconds }
        return all
    }
}
