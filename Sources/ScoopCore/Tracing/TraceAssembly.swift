/// Turns raw events into spans: pairs each start with its end on the same
/// worker, attaches the owner's submit (and send) time, when and with how
/// many bytes it arrived where it ran,
/// and spreads concurrent runs of one worker over lanes.
///
/// Events are replayed by time on the collector's clock (ties in arrival
/// order); only light `(time, index)` pairs are sorted.
enum TraceAssembly {
    private struct Key: Hashable {
        let worker: WorkerID
        let future: FutureID
    }

    /// What is known of a future whichever worker runs it.
    private struct FutureRecord {
        /// When its owner submitted it.
        var submitted: UInt64?
        /// When its owner handed it to the transport (it left to run elsewhere).
        var sent: UInt64?
        /// Whether a run of it already ended (another run is a retry).
        var hasRun = false
    }

    /// A run that started and has not ended yet.
    private struct OpenRun {
        let time: UInt64
        let parent: FutureID
        let function: FunctionID
    }

    static func build(events: [(worker: WorkerID, event: TraceEvent)], offsets: [WorkerID: Int64],
                      names: [FunctionID: String], processes: [WorkerID: RunTrace.Process],
                      queueSamples: [(time: UInt64, length: Int)], transport: String,
                      broker: RunTrace.BrokerCounters?) -> RunTrace {
        var futures: [FutureID: FutureRecord] = [:]
        var received: [Key: (time: UInt64, bytes: Int)] = [:]
        var open: [Key: OpenRun] = [:]
        var spans: [RunTrace.Span] = []
        let order = replayOrder(of: events, offsets: offsets)
        futures.reserveCapacity(events.count / 3)
        for (time, index) in order {
            let (worker, event) = events[index]
            let key = Key(worker: worker, future: event.future)
            switch event.phase {
            case .submitted:
                futures[event.future, default: FutureRecord()].submitted = time
            case .spilled:
                futures[event.future, default: FutureRecord()].sent = time
            case .received:
                received[key] = (time, event.bytes)
            case .started:
                open[key] = OpenRun(time: time, parent: event.parent, function: event.function)
            case .finished, .failed, .cancelled:
                guard let begin = open.removeValue(forKey: key) else { continue }
                let record = markRun(&futures[event.future, default: FutureRecord()])
                let arrival = received.isEmpty ? nil : received[key]
                let outcome: RunTrace.Outcome = switch event.phase {
                case .failed: .failed
                case .cancelled: .cancelled
                default: .finished
                }
                spans.append(RunTrace.Span(
                    future: event.future, parent: begin.parent,
                    function: names[begin.function] ?? "function \(begin.function.rawValue)",
                    worker: worker, host: processes[worker]?.host ?? "?",
                    submitted: record.submitted, sent: arrival == nil ? nil : record.sent, arrived: arrival?.time,
                    started: begin.time, ended: time, outcome: outcome,
                    argumentBytes: arrival?.bytes ?? 0, resultBytes: event.bytes,
                    lane: 0, isRetry: record.hasRun))
            }
        }
        // A run without a single event (no future ran) spans its queue samples.
        var first = order.first?.time ?? queueSamples.first?.time ?? 0
        let last = order.last?.time ?? first
        // A future submitted before the first batch's earliest start still belongs to the run.
        for span in spans { if let time = span.submitted { first = min(first, time) } }
        assignLanes(&spans)
        return RunTrace(transport: transport, spans: spans,
                        processes: processes.values.sorted { $0.worker < $1.worker },
                        queueSamples: queueSamples.map { (max($0.time, first), $0.length) },
                        broker: broker, start: first, end: max(last, queueSamples.last?.time ?? last))
    }

    /// Notes that a run of the future ended; returns the record as it was before.
    private static func markRun(_ record: inout FutureRecord) -> FutureRecord {
        defer { record.hasRun = true }
        return record
    }

    /// Each event's time on the collector's clock and its index, by time (ties in arrival order).
    private static func replayOrder(of events: [(worker: WorkerID, event: TraceEvent)],
                                    offsets: [WorkerID: Int64]) -> [(time: UInt64, index: Int)] {
        var order: [(time: UInt64, index: Int)] = []
        order.reserveCapacity(events.count)
        for (index, item) in events.enumerated() {
            let offset = offsets.isEmpty ? 0 : offsets[item.worker] ?? 0
            let time = UInt64(bitPattern: Int64(bitPattern: item.event.timestampNanoseconds) &+ offset)
            order.append((time, index))
        }
        order.sort { $0.time != $1.time ? $0.time < $1.time : $0.index < $1.index }
        return order
    }

    /// Gives each span of a worker the lowest lane free when it starts.
    private static func assignLanes(_ spans: inout [RunTrace.Span]) {
        var order = spans.indices.map { (started: spans[$0].started, index: $0) }
        order.sort { $0.started != $1.started ? $0.started < $1.started : $0.index < $1.index }
        var laneEnds: [WorkerID: [UInt64]] = [:]
        for (started, index) in order {
            spans[index].lane = takeLane(from: started, to: spans[index].ended, in: &laneEnds[spans[index].worker, default: []])
        }
    }

    /// The lowest lane whose last run ended by `start` (or a new one), now busy until `end`.
    private static func takeLane(from start: UInt64, to end: UInt64, in laneEnds: inout [UInt64]) -> Int {
        if let free = laneEnds.firstIndex(where: { $0 <= start }) {
            laneEnds[free] = end
            return free
        }
        laneEnds.append(end)
        return laneEnds.count - 1
    }
}
