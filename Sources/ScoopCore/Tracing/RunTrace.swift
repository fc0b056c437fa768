/// A whole run's trace, assembled from every process's events: one span per
/// run of a future, the processes, the broker's queue over time and counters.
/// ``ChromeTraceWriter`` writes it; ``RunSummary`` summarises it.
///
/// Times are nanoseconds on the collector's monotonic clock.
public struct RunTrace: Sendable {
    /// How a future's run ended.
    public enum Outcome: String, Sendable {
        case finished, failed, cancelled
    }

    /// One run of one future on one worker.
    public struct Span: Sendable, Equatable {
        public var future: FutureID
        public var parent: FutureID
        public var function: String
        public var worker: WorkerID
        public var host: String
        /// When its owner submitted it (nil if the owner's events are missing).
        public var submitted: UInt64?
        /// When its owner handed it to the transport (nil when it never left
        /// its owner, or the owner's events are missing).
        public var sent: UInt64? = nil
        /// When the worker that ran it received it from the transport (nil when
        /// it never left its owner; a future the broker gave back to its owner
        /// has both). `sent` → `arrived` is its time in transit and in the
        /// broker's queue (for a run after a lost worker, also the lost run and
        /// the time to notice the loss); `arrived` → `started`, its wait in the worker.
        public var arrived: UInt64? = nil
        public var started: UInt64
        public var ended: UInt64
        public var outcome: Outcome
        /// Encoded argument bytes it arrived with (0 when it never left its owner).
        public var argumentBytes: Int
        /// Encoded result bytes it sent back (0 when it ran in its owner).
        public var resultBytes: Int
        /// The track of its worker it is drawn on (concurrent runs get different lanes).
        public var lane: Int
        /// Whether this future had already started on another worker (re-queued after a loss).
        public var isRetry: Bool

        public var duration: UInt64 { ended &- started }
    }

    /// One process of the pool.
    public struct Process: Sendable, Equatable {
        public var worker: WorkerID
        public var host: String
        public var slots: Int
    }

    /// What the broker counted (absent on the threads transport).
    public struct BrokerCounters: Sendable, Equatable {
        public var routed: Int
        public var dropped: Int
        public var requeued: Int
        public var peakQueueLength: Int

        public init(routed: Int, dropped: Int, requeued: Int, peakQueueLength: Int) {
            self.routed = routed
            self.dropped = dropped
            self.requeued = requeued
            self.peakQueueLength = peakQueueLength
        }
    }

    public var transport: String
    public var spans: [Span]
    public var processes: [Process]
    /// Futures waiting in the broker's queue (or the threads pool's queue), sampled.
    public var queueSamples: [(time: UInt64, length: Int)]
    public var broker: BrokerCounters?
    /// The first and last instants of the run.
    public var start: UInt64
    public var end: UInt64

    public var duration: UInt64 { end &- start }
    /// Futures that started on a worker after having started on another one.
    public var retries: Int { spans.count { $0.isRetry } }
    /// Encoded bytes that moved between processes (arguments and results).
    public var bytesMoved: Int { spans.reduce(0) { $0 + $1.argumentBytes + $1.resultBytes } }

    /// Slots busy on `worker` over time: (instant, busy slots) at every change.
    public func busySteps(of worker: WorkerID) -> [(time: UInt64, busy: Int)] {
        busySteps(of: worker, spanIndices: spans.indices.filter { spans[$0].worker == worker })
    }

    /// ``busySteps(of:)`` from the worker's spans, already picked out (see ``spanIndicesByWorker()``).
    func busySteps(of worker: WorkerID, spanIndices: [Int]) -> [(time: UInt64, busy: Int)] {
        let slots = slotCount(of: worker)
        var changes: [(UInt64, Int)] = []
        changes.reserveCapacity(2 * spanIndices.count)
        for index in spanIndices {
            changes.append((spans[index].started, 1))
            changes.append((spans[index].ended, -1))
        }
        changes.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var active = 0
        var steps: [(time: UInt64, busy: Int)] = []
        for (time, delta) in changes {
            active += delta
            let busy = min(active, slots)
            if let last = steps.last, last.time == time {
                steps[steps.count - 1].busy = busy
            } else if steps.last?.busy != busy {
                steps.append((time, busy))
            }
        }
        return steps
    }

    /// The share of `worker`'s slot time spent running futures over the run (0...1).
    /// A parent waiting for its children counts as running.
    public func busyFraction(of worker: WorkerID) -> Double {
        busyFraction(of: worker, steps: busySteps(of: worker))
    }

    /// ``busyFraction(of:)`` from the worker's ``busySteps(of:)``.
    func busyFraction(of worker: WorkerID, steps: [(time: UInt64, busy: Int)]) -> Double {
        guard duration > 0 else { return 0 }
        var busyTime: Double = 0
        for (index, step) in steps.enumerated() {
            let next = index + 1 < steps.count ? steps[index + 1].time : step.time
            busyTime += Double(next &- step.time) * Double(step.busy)
        }
        return busyTime / (Double(duration) * Double(max(1, slotCount(of: worker))))
    }

    private func slotCount(of worker: WorkerID) -> Int {
        processes.first { $0.worker == worker }?.slots ?? 1
    }
}
