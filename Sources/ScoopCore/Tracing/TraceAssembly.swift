/// Turns raw events into spans: pairs each start with its end on the same
/// worker, attaches the owner's submit time and the bytes that travelled,
/// and spreads concurrent runs of one worker over lanes.
enum TraceAssembly {
    private struct Key: Hashable {
        let worker: WorkerID
        let future: FutureID
    }

    static func build(events: [(worker: WorkerID, event: TraceEvent)], offsets: [WorkerID: Int64],
                      names: [FunctionID: String], processes: [WorkerID: RunTrace.Process],
                      queueSamples: [(time: UInt64, length: Int)], transport: String,
                      broker: RunTrace.BrokerCounters?) -> RunTrace {
        var submitted: [FutureID: UInt64] = [:]
        var received: [Key: Int] = [:]
        var open: [Key: (time: UInt64, parent: FutureID, function: FunctionID)] = [:]
        var spans: [RunTrace.Span] = []
        var startedWorkers: [FutureID: Set<WorkerID>] = [:]
        var first = UInt64.max, last = UInt64.min
        let ordered = events.map { item -> (WorkerID, TraceEvent) in
            var event = item.event
            let offset = offsets[item.worker] ?? 0
            event.timestampNanoseconds = UInt64(bitPattern: Int64(bitPattern: event.timestampNanoseconds) &+ offset)
            return (item.worker, event)
        }.sorted { $0.1.timestampNanoseconds < $1.1.timestampNanoseconds }
        for (worker, event) in ordered {
            let time = event.timestampNanoseconds
            first = min(first, time)
            last = max(last, time)
            let key = Key(worker: worker, future: event.future)
            switch event.phase {
            case .submitted:
                submitted[event.future] = time
            case .spilled:
                break
            case .received:
                received[key] = event.bytes
            case .started:
                open[key] = (time, event.parent, event.function)
            case .finished, .failed, .cancelled:
                guard let begin = open.removeValue(forKey: key) else { continue }
                let retry = !(startedWorkers[event.future]?.isEmpty ?? true)
                startedWorkers[event.future, default: []].insert(worker)
                let outcome: RunTrace.Outcome = switch event.phase {
                case .failed: .failed
                case .cancelled: .cancelled
                default: .finished
                }
                spans.append(RunTrace.Span(
                    future: event.future, parent: begin.parent,
                    function: names[begin.function] ?? "function \(begin.function.rawValue)",
                    worker: worker, host: processes[worker]?.host ?? "?",
                    submitted: submitted[event.future], started: begin.time, ended: time, outcome: outcome,
                    argumentBytes: received[key] ?? 0, resultBytes: event.bytes,
                    lane: 0, isRetry: retry))
            }
        }
        // A future submitted before the first batch's earliest start still belongs to the run.
        for span in spans { if let time = span.submitted { first = min(first, time) } }
        assignLanes(&spans)
        if first == .max { first = 0; last = 0 }
        return RunTrace(transport: transport, spans: spans,
                        processes: processes.values.sorted { $0.worker < $1.worker },
                        queueSamples: queueSamples.map { (max($0.time, first), $0.length) },
                        broker: broker, start: first, end: max(last, queueSamples.last?.time ?? last))
    }

    /// Gives each span of a worker the lowest lane free when it starts.
    private static func assignLanes(_ spans: inout [RunTrace.Span]) {
        let order = spans.indices.sorted { spans[$0].started < spans[$1].started }
        var laneEnds: [WorkerID: [UInt64]] = [:]
        for index in order {
            let span = spans[index]
            var ends = laneEnds[span.worker] ?? []
            if let free = ends.firstIndex(where: { $0 <= span.started }) {
                spans[index].lane = free
                ends[free] = span.ended
            } else {
                spans[index].lane = ends.count
                ends.append(span.ended)
            }
            laneEnds[span.worker] = ends
        }
    }
}
