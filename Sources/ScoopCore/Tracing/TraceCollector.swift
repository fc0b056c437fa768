import Synchronization

/// Gathers the trace events of every process of a run and assembles a
/// ``RunTrace``: the launcher (ZeroMQ), MPI's rank 0 and the threads
/// transport's process each own one.
///
/// Each process's timestamps are on its own monotonic clock: processes on the
/// collector's host share it; for other hosts the offset is estimated from
/// when batches were sent and received (the smallest difference seen).
///
/// ```swift
/// let collector = TraceCollector(localHost: "head")
/// collector.receive(envelope.payload)           // an `.event` envelope from a worker
/// let trace = collector.assemble(transport: "zeromq", broker: nil)
/// ```
///
/// Threading: every method may be called from any thread (one lock).
public final class TraceCollector: Sendable {
    private struct State {
        var events: [(worker: WorkerID, event: TraceEvent)] = []
        var processes: [WorkerID: RunTrace.Process] = [:]
        var offsets: [WorkerID: Int64] = [:]
        var names: [FunctionID: String] = [:]
        var finished: Set<WorkerID> = []
        var queueSamples: [(time: UInt64, length: Int)] = []
    }
    private let state = Mutex(State())
    private let localHost: String

    public init(localHost: String) {
        self.localHost = localHost
    }

    /// Takes the payload of an `.event` envelope. Returns false if it is not a trace batch.
    @discardableResult
    public func receive(_ payload: [UInt8], receivedAt: UInt64 = MonotonicClock.nanoseconds) -> Bool {
        guard let batch = try? TraceBatch(payload: payload) else { return false }
        add(batch, receivedAt: receivedAt)
        return true
    }

    /// Adds one process's batch (from the wire or from this process).
    public func add(_ batch: TraceBatch, receivedAt: UInt64 = MonotonicClock.nanoseconds) {
        state.withLock { state in
            let worker = batch.worker
            state.processes[worker] = RunTrace.Process(worker: worker, host: batch.host, slots: max(1, batch.slots))
            if batch.host != localHost {
                let difference = Int64(bitPattern: receivedAt &- batch.sentAt)
                state.offsets[worker] = min(state.offsets[worker] ?? difference, difference)
            }
            state.names.merge(batch.functionNames) { first, _ in first }
            state.events.reserveCapacity(state.events.count + batch.events.count)
            for event in batch.events { state.events.append((worker, event)) }
            if batch.isFinal { state.finished.insert(worker) }
        }
    }

    /// Records the length of the broker's queue now.
    public func sampleQueue(length: Int, at time: UInt64 = MonotonicClock.nanoseconds) {
        state.withLock { state in
            if state.queueSamples.last?.length != length { state.queueSamples.append((time, length)) }
        }
    }

    /// Processes whose last batch arrived.
    public var finishedWorkers: Set<WorkerID> { state.withLock { $0.finished } }

    /// Waits (polling, up to `timeout`) until each of `workers` sent its last batch.
    /// Returns the workers still missing.
    public func waitForFinalBatches(from workers: Set<WorkerID>, timeout: Duration) async -> Set<WorkerID> {
        let deadline = ContinuousClock.now + timeout
        while true {
            let missing = workers.subtracting(finishedWorkers)
            if missing.isEmpty || ContinuousClock.now >= deadline { return missing }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Builds the run's trace from everything received so far.
    public func assemble(transport: String, broker: RunTrace.BrokerCounters?) -> RunTrace {
        let snapshot = state.withLock { $0 }
        return TraceAssembly.build(events: snapshot.events, offsets: snapshot.offsets, names: snapshot.names,
                                   processes: snapshot.processes, queueSamples: snapshot.queueSamples,
                                   transport: transport, broker: broker)
    }
}
