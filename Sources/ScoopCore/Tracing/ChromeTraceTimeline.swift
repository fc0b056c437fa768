/// The timed events of a Chrome trace as light references (what kind, which
/// one, when), sorted by instant; events at the same instant keep the order
/// they were gathered in: each process's busy-slot changes, the queue's
/// samples, then per span its run and, for a nested future, its flow's two ends.
///
/// ```swift
/// let timeline = ChromeTraceTimeline(trace, spansByWorker: trace.spanIndicesByWorker())
/// for entry in timeline.entries { … }   // ascending `time`
/// ```
struct ChromeTraceTimeline {
    enum Kind {
        /// `busySteps[index]`.
        case busy
        /// `trace.queueSamples[index]`.
        case queue
        /// `trace.spans[index]`.
        case span
        /// The submit end of `flows[index]`, inside the parent's run.
        case flowStart
        /// The start end of `flows[index]`, at the child's start.
        case flowEnd
    }

    struct Entry {
        var time: UInt64
        /// Position among the gathered events: breaks ties between equal times.
        var order: Int
        var kind: Kind
        var index: Int
    }

    /// Busy-slot changes of every process, in process order.
    private(set) var busySteps: [(pid: Int, time: UInt64, busy: Int)] = []
    /// Nested futures' links (indices into the spans); a flow's id is its position + 1.
    private(set) var flows: [(parent: Int, child: Int)] = []
    private(set) var entries: [Entry] = []

    init(_ trace: RunTrace, spansByWorker: [WorkerID: [Int]]) {
        for process in trace.processes {
            let pid = Int(process.worker.rawValue)
            for step in trace.busySteps(of: process.worker, spanIndices: spansByWorker[process.worker] ?? []) {
                busySteps.append((pid, step.time, step.busy))
            }
        }
        entries.reserveCapacity(busySteps.count + trace.queueSamples.count + 3 * trace.spans.count)
        for (index, step) in busySteps.enumerated() { add(.busy, index, at: step.time) }
        for (index, sample) in trace.queueSamples.enumerated() { add(.queue, index, at: sample.time) }
        let runs = FutureRuns(trace.spans)
        for (index, span) in trace.spans.enumerated() {
            add(.span, index, at: span.started)
            guard let submitted = span.submitted, span.parent != .none,
                  let parent = Self.run(of: span.parent, on: span.future.owner, containing: submitted, in: trace.spans, runs: runs)
            else { continue }
            flows.append((parent, index))
            add(.flowStart, flows.count - 1, at: submitted)
            add(.flowEnd, flows.count - 1, at: span.started)
        }
        entries.sort { $0.time != $1.time ? $0.time < $1.time : $0.order < $1.order }
    }

    private mutating func add(_ kind: Kind, _ index: Int, at time: UInt64) {
        entries.append(Entry(time: time, order: entries.count, kind: kind, index: index))
    }

    /// The first run of `future` on `worker` during which `instant` fell.
    private static func run(of future: FutureID, on worker: WorkerID, containing instant: UInt64,
                            in spans: [RunTrace.Span], runs: FutureRuns) -> Int? {
        runs.runs(of: future).first { index in
            spans[index].worker == worker && spans[index].started <= instant && instant <= spans[index].ended
        }
    }
}
