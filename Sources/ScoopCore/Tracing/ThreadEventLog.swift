#if canImport(Glibc)
import Glibc
#endif
import CScoopSystem
import Synchronization

/// The events one thread recorded for one ``TraceRecorder``, in chunks.
///
/// Threading: **one writer and serialized readers.** Only the thread that
/// created the log calls ``append(phase:future:parent:function:worker:ticks:bytes:)``
/// (its thread-local trace cursor and its ``ThreadTraceSlot`` lead only that
/// thread here); ``drain(into:)`` may be called from any thread, and
/// readers are serialized by `shared`'s lock. The writer fills the current
/// chunk past the published count and then publishes it with a release
/// store; a reader copies only up to the count it loads with acquire, so the
/// two never touch the same slot. The current chunk is replaced, and a full
/// one handed over, only under the lock. That contract is why the class is
/// `@unchecked Sendable`.
final class ThreadEventLog: @unchecked Sendable {
    /// Events per chunk (about 200 KB).
    static let chunkCapacity = 4096

    /// A chunk the writer has left, with how far a reader already took it.
    private struct FullChunk {
        let base: UnsafeMutablePointer<TraceEvent>
        let count: Int
        let readFrom: Int
    }

    private struct Shared {
        var full: [FullChunk] = []
        /// How far readers took the current chunk.
        var readFrom = 0
    }

    /// Keeps the writer's fields off the cache lines of whatever the
    /// allocator puts before this object (another thread's log, made at the
    /// same moment, would otherwise share a line and bounce it on every event).
    private let gapBefore = CacheLineGap()
    // The contract above orders every access; run-time exclusivity checks would cost more than the append.
    /// The chunk being written. Changed by the writer under `shared`'s lock; read by readers under it.
    @exclusivity(unchecked) private var base: UnsafeMutablePointer<TraceEvent>
    /// The writer's cursor in `base` (writer only).
    @exclusivity(unchecked) private var count = 0
    /// How many events of `base` a reader may copy.
    private let published = Atomic<Int>(0)
    private let shared = Mutex(Shared())
    /// The same, towards whatever comes after this object.
    private let gapAfter = CacheLineGap()

    init() {
        base = Self.allocateChunk()
    }

    deinit {
        Self.free(base, count: count)
        shared.withLock { shared in
            for chunk in shared.full { Self.free(chunk.base, count: chunk.count) }
        }
    }

    /// Adds one event, its fields stored straight into the chunk. Only the log's own thread calls this.
    @inline(__always)
    func append(phase: TraceEvent.Phase, future: FutureID, parent: FutureID, function: FunctionID,
                worker: WorkerID, ticks: UInt64, bytes: Int) {
        if count == Self.chunkCapacity { startChunk() }
        let slot = base + count
        slot.initialize(to: TraceEvent(phase: phase, future: future, parent: parent, function: function,
                                       worker: worker, timestampNanoseconds: ticks, bytes: bytes))
        // Four events (three lines) ahead, made ready for writing before the thread gets
        // there: a small future's events come too far apart for the hardware
        // prefetcher to see a stream, and each new line's first store would wait.
        // (An address, not a pointer: near the chunk's end it lies past it, and a prefetch never faults.)
        scoop_prefetch_for_writing(UnsafeRawPointer(bitPattern: UInt(bitPattern: slot) &+ 4 * UInt(MemoryLayout<TraceEvent>.stride)))
        count += 1
        published.store(count, ordering: .releasing)
    }

    /// Hands the full chunk to the readers and starts an empty one.
    private func startChunk() {
        let fresh = Self.allocateChunk()
        shared.withLock { shared in
            shared.full.append(FullChunk(base: base, count: count, readFrom: shared.readFrom))
            shared.readFrom = 0
            base = fresh
            count = 0
            published.store(0, ordering: .releasing)
        }
    }

    /// Appends every event not taken yet to `events`, oldest first, and frees the chunks read to the end.
    func drain(into events: inout [TraceEvent]) {
        shared.withLock { shared in
            for chunk in shared.full {
                events.append(contentsOf: UnsafeBufferPointer(start: chunk.base + chunk.readFrom,
                                                              count: chunk.count - chunk.readFrom))
                Self.free(chunk.base, count: chunk.count)
            }
            shared.full.removeAll()
            let end = published.load(ordering: .acquiring)
            events.append(contentsOf: UnsafeBufferPointer(start: base + shared.readFrom, count: end - shared.readFrom))
            shared.readFrom = end
        }
    }

    // MARK: Chunk memory

    private static let chunkBytes = chunkCapacity * MemoryLayout<TraceEvent>.stride

    /// A chunk whose pages are mapped at once (`MAP_POPULATE`): one system
    /// call instead of a page fault every ~85 events on the recording path.
    private static func allocateChunk() -> UnsafeMutablePointer<TraceEvent> {
        let raw = mmap(nil, chunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)
        guard let raw, raw != MAP_FAILED else {
            fatalError("trace: no memory for \(chunkBytes) more bytes of events (mmap: \(String(cString: strerror(errno))))")
        }
        return raw.bindMemory(to: TraceEvent.self, capacity: chunkCapacity)
    }

    private static func free(_ chunk: UnsafeMutablePointer<TraceEvent>, count: Int) {
        chunk.deinitialize(count: count)
        munmap(chunk, chunkBytes)
    }
}
