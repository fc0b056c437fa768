/// Writes a ``RunTrace`` as Chrome trace-event JSON, which Perfetto
/// (ui.perfetto.dev) and `chrome://tracing` open, and `scoop report` reads.
///
/// - every process is a trace process (`pid` = worker id, the broker is
///   ``brokerProcessID``); each of its lanes (slots) a thread (`tid`);
/// - every run of a future is a complete event (`"ph":"X"`) named after its
///   function, with `args` holding the future, parent, worker, host, submit
///   time (µs), argument and result bytes and outcome;
/// - a nested future is linked to its parent by a flow (`"s"` at the submit,
///   inside the parent's slice; `"f"` at the child's start);
/// - counters (`"ph":"C"`): busy slots per worker, the broker's queue length;
/// - a metadata event `scoop_run` carries the run's counters.
///
/// Metadata events come first, then the timed events by instant (see
/// ``ChromeTraceTimeline``), all written into one byte buffer.
///
/// ```swift
/// try ChromeTraceWriter.write(trace, toFile: "run.json")
/// let text = ChromeTraceWriter.json(for: trace)   // the same, as a String
/// ```
public enum ChromeTraceWriter {
    /// The `pid` of the broker's counters.
    public static let brokerProcessID = 1_000_000

    /// The trace as UTF-8 JSON text.
    public static func bytes(for trace: RunTrace) -> [UInt8] {
        encode(trace).takeBytes()
    }

    /// Writes the trace to the file at `path` (created or truncated), straight from the buffer.
    public static func write(_ trace: RunTrace, toFile path: String) throws(TraceFile.WriteError) {
        try encode(trace).withBytes { bytes throws(TraceFile.WriteError) in try TraceFile.write(bytes, to: path) }
    }

    /// The trace as JSON text (``bytes(for:)`` as a `String`).
    public static func json(for trace: RunTrace) -> String {
        String(decoding: bytes(for: trace), as: UTF8.self)
    }

    private static func encode(_ trace: RunTrace) -> ChromeTraceEncoder {
        let spansByWorker = trace.spanIndicesByWorker()
        let timeline = ChromeTraceTimeline(trace, spansByWorker: spansByWorker)
        var encoder = ChromeTraceEncoder(trace, capacity: estimatedSize(of: trace, timeline: timeline))
        encoder.beginDocument()
        writeMetadata(of: trace, spansByWorker: spansByWorker, into: &encoder)
        for entry in timeline.entries {
            switch entry.kind {
            case .busy:
                let step = timeline.busySteps[entry.index]
                encoder.counter("busy slots", pid: step.pid, at: step.time, "busy", step.busy)
            case .queue:
                encoder.counter("queue length", pid: brokerProcessID, at: entry.time, "queued", trace.queueSamples[entry.index].length)
            case .span:
                encoder.span(trace.spans[entry.index])
            case .flowStart:
                encoder.flowStart(id: entry.index + 1, parent: trace.spans[timeline.flows[entry.index].parent], at: entry.time)
            case .flowEnd:
                encoder.flowEnd(id: entry.index + 1, child: trace.spans[timeline.flows[entry.index].child])
            }
        }
        encoder.endDocument()
        return encoder
    }

    /// Names and sort order of processes and their lanes, then the run's counters.
    private static func writeMetadata(of trace: RunTrace, spansByWorker: [WorkerID: [Int]],
                                      into encoder: inout ChromeTraceEncoder) {
        for process in trace.processes {
            let pid = Int(process.worker.rawValue)
            let name = process.worker == .origin ? "origin (worker 0) @ \(process.host)" : "worker \(process.worker.rawValue) @ \(process.host)"
            encoder.beginMetadata("process_name", pid: pid)
            encoder.fields { $0.field("name", name) }
            encoder.endMetadata()
            encoder.beginMetadata("process_sort_index", pid: pid)
            encoder.fields { $0.field("sort_index", pid) }
            encoder.endMetadata()
            encoder.beginMetadata("scoop_process", pid: pid)
            encoder.fields { json in
                json.field("worker", pid)
                json.field("host", process.host)
                json.field("slots", process.slots)
            }
            encoder.endMetadata()
            let lanes = Set((spansByWorker[process.worker] ?? []).map { trace.spans[$0].lane }).sorted()
            for lane in lanes {
                encoder.beginMetadata("thread_name", pid: pid, tid: lane)
                encoder.fields { $0.field("name", "slot \(lane)") }
                encoder.endMetadata()
            }
        }
        let broker = trace.broker
        encoder.beginMetadata("scoop_run", pid: 0)
        encoder.fields { json in
            json.field("format", 1)
            json.field("transport", trace.transport)
            json.field("futures", trace.spans.count)
            json.field("retries", trace.retries)
            json.field("bytesMoved", trace.bytesMoved)
        }
        encoder.time("durationMicroseconds", trace.end)
        encoder.fields { json in
            json.field("routed", broker?.routed ?? 0)
            json.field("dropped", broker?.dropped ?? 0)
            json.field("requeued", broker?.requeued ?? 0)
            json.field("peakQueueLength", broker?.peakQueueLength ?? 0)
        }
        encoder.endMetadata()
        if !trace.queueSamples.isEmpty {
            encoder.beginMetadata("process_name", pid: brokerProcessID)
            encoder.fields { $0.field("name", plain: broker == nil ? "queue" : "broker") }
            encoder.endMetadata()
        }
    }

    /// Enough bytes for the whole text in most runs, so the buffer rarely grows:
    /// about 320 bytes and the names per run of a future, 100 per other event.
    private static func estimatedSize(of trace: RunTrace, timeline: ChromeTraceTimeline) -> Int {
        let names = trace.spans.first.map { 2 * $0.function.utf8.count + $0.host.utf8.count } ?? 0
        return 4096 + trace.spans.count * (320 + names) + (timeline.entries.count - trace.spans.count) * 100
    }
}
