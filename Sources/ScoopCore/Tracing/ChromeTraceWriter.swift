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
/// ```swift
/// let json = ChromeTraceWriter.json(for: trace)
/// try json.write(toFile: "run.json", atomically: true, encoding: .utf8)
/// ```
public enum ChromeTraceWriter {
    /// The `pid` of the broker's counters.
    public static let brokerProcessID = 1_000_000

    public static func json(for trace: RunTrace) -> String {
        let base = trace.start
        func time(_ value: UInt64) -> String { JSONText.microseconds(value &- min(value, base)) }
        var metadata: [String] = []
        var timed: [(UInt64, String)] = []

        for process in trace.processes {
            let pid = Int(process.worker.rawValue)
            let name = process.worker == .origin ? "origin (worker 0) @ \(process.host)" : "worker \(process.worker.rawValue) @ \(process.host)"
            metadata.append(meta("process_name", pid: pid, tid: nil, args: [("name", JSONText.quoted(name))]))
            metadata.append(meta("process_sort_index", pid: pid, tid: nil, args: [("sort_index", "\(pid)")]))
            metadata.append(meta("scoop_process", pid: pid, tid: nil, args: [
                ("worker", "\(pid)"), ("host", JSONText.quoted(process.host)), ("slots", "\(process.slots)"),
            ]))
            let lanes = Set(trace.spans.filter { $0.worker == process.worker }.map(\.lane)).sorted()
            for lane in lanes {
                metadata.append(meta("thread_name", pid: pid, tid: lane, args: [("name", JSONText.quoted("slot \(lane)"))]))
            }
            for step in trace.busySteps(of: process.worker) {
                timed.append((step.time, JSONText.object([
                    ("ph", "\"C\""), ("name", "\"busy slots\""), ("pid", "\(pid)"), ("ts", time(step.time)),
                    ("args", JSONText.object([("busy", "\(step.busy)")])),
                ])))
            }
        }
        let broker = trace.broker
        metadata.append(meta("scoop_run", pid: 0, tid: nil, args: [
            ("format", "1"), ("transport", JSONText.quoted(trace.transport)),
            ("futures", "\(trace.spans.count)"), ("retries", "\(trace.retries)"),
            ("bytesMoved", "\(trace.bytesMoved)"), ("durationMicroseconds", time(trace.end)),
            ("routed", "\(broker?.routed ?? 0)"), ("dropped", "\(broker?.dropped ?? 0)"),
            ("requeued", "\(broker?.requeued ?? 0)"), ("peakQueueLength", "\(broker?.peakQueueLength ?? 0)"),
        ]))
        if !trace.queueSamples.isEmpty {
            metadata.append(meta("process_name", pid: brokerProcessID, tid: nil, args: [("name", trace.broker == nil ? "\"queue\"" : "\"broker\"")]))
            for sample in trace.queueSamples {
                timed.append((sample.time, JSONText.object([
                    ("ph", "\"C\""), ("name", "\"queue length\""), ("pid", "\(brokerProcessID)"), ("ts", time(sample.time)),
                    ("args", JSONText.object([("queued", "\(sample.length)")])),
                ])))
            }
        }

        var byFuture: [FutureID: [Int]] = [:]
        for (index, span) in trace.spans.enumerated() { byFuture[span.future, default: []].append(index) }
        var flowID = 0
        for span in trace.spans {
            let pid = Int(span.worker.rawValue)
            var args: [(String, String)] = [
                ("future", JSONText.quoted(span.future.description)),
                ("parent", JSONText.quoted(span.parent.description)),
                ("function", JSONText.quoted(span.function)),
                ("worker", "\(span.worker.rawValue)"), ("host", JSONText.quoted(span.host)),
                ("argumentBytes", "\(span.argumentBytes)"), ("resultBytes", "\(span.resultBytes)"),
                ("outcome", JSONText.quoted(span.outcome.rawValue)), ("retry", span.isRetry ? "true" : "false"),
            ]
            if let submitted = span.submitted { args.append(("submitted", time(submitted))) }
            timed.append((span.started, JSONText.object([
                ("ph", "\"X\""), ("cat", "\"future\""), ("name", JSONText.quoted(span.function)),
                ("pid", "\(pid)"), ("tid", "\(span.lane)"), ("ts", time(span.started)),
                ("dur", JSONText.microseconds(span.duration)), ("args", JSONText.object(args)),
            ])))
            // Parent → child: from the submit, inside the parent's run, to the child's start.
            guard let submitted = span.submitted, span.parent != .none,
                  let parent = byFuture[span.parent]?.lazy.map({ trace.spans[$0] }).first(where: {
                      $0.worker == span.future.owner && $0.started <= submitted && submitted <= $0.ended
                  }) else { continue }
            flowID += 1
            let common: [(String, String)] = [("cat", "\"nested\""), ("name", "\"submit\""), ("id", "\(flowID)")]
            timed.append((submitted, JSONText.object([("ph", "\"s\"")] + common + [
                ("pid", "\(parent.worker.rawValue)"), ("tid", "\(parent.lane)"), ("ts", time(submitted)),
            ])))
            timed.append((span.started, JSONText.object([("ph", "\"f\""), ("bp", "\"e\"")] + common + [
                ("pid", "\(pid)"), ("tid", "\(span.lane)"), ("ts", time(span.started)),
            ])))
        }
        let events = metadata + timed.enumerated().sorted {
            $0.element.0 != $1.element.0 ? $0.element.0 < $1.element.0 : $0.offset < $1.offset
        }.map(\.element.1)
        return "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n" + events.joined(separator: ",\n") + "\n]}\n"
    }

    private static func meta(_ name: String, pid: Int, tid: Int?, args: [(String, String)]) -> String {
        var fields: [(String, String)] = [("ph", "\"M\""), ("name", JSONText.quoted(name)), ("pid", "\(pid)")]
        if let tid { fields.append(("tid", "\(tid)")) }
        fields.append(("args", JSONText.object(args)))
        return JSONText.object(fields)
    }
}
