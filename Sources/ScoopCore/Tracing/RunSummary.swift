/// The run summary `scoop run -v` prints at the end: per worker, futures
/// run, busy share, bytes in and out, retries; for the broker, its peak
/// queue length, messages routed and dropped. Computed from the same
/// ``RunTrace`` the trace file is written from, so their counts agree.
/// A run that no swift-scoop process joined (a program that never calls
/// `Pool.run`) gets one line saying so.
///
/// ```swift
/// for line in RunSummary.lines(for: trace) { logger.info("\(line)") }
/// // worker 1 @ node07: 250 futures, busy 97.1%, in 12.0 KB, out 4.1 KB, retries 0
/// ```
public enum RunSummary {
    public static func lines(for trace: RunTrace) -> [String] {
        guard !trace.processes.isEmpty else {
            // The program ran, but none of its processes started a pool
            // (not built with swift-scoop, or it never called `Pool.run`).
            var lines = ["run summary: no swift-scoop process joined the pool (\(trace.transport)): nothing to summarise"]
            if let broker = trace.broker, broker.routed + broker.dropped > 0 {
                lines.append("  broker: routed \(broker.routed), dropped \(broker.dropped)")
            }
            return lines
        }
        var lines = ["run summary: \(trace.spans.count) futures in \(seconds(trace.duration)) s on \(trace.processes.count) process(es) (\(trace.transport))"]
        let spansByWorker = trace.spanIndicesByWorker()
        for process in trace.processes {
            let indices = spansByWorker[process.worker] ?? []
            let received = indices.reduce(0) { $0 + trace.spans[$1].argumentBytes }
            let sent = indices.reduce(0) { $0 + trace.spans[$1].resultBytes }
            let retries = indices.count { trace.spans[$0].isRetry }
            let steps = trace.busySteps(of: process.worker, spanIndices: indices)
            let busy = (trace.busyFraction(of: process.worker, steps: steps) * 1000).rounded() / 10
            let name = process.worker == .origin ? "origin" : "worker \(process.worker.rawValue)"
            lines.append("  \(name) @ \(process.host): \(indices.count) futures, busy \(busy)%, in \(bytes(received)), out \(bytes(sent)), retries \(retries)")
        }
        if let broker = trace.broker {
            lines.append("  broker: peak queue \(broker.peakQueueLength), routed \(broker.routed), dropped \(broker.dropped), re-queued \(broker.requeued)")
        }
        return lines
    }

    static func seconds(_ nanoseconds: UInt64) -> String {
        let hundredths = (nanoseconds + 5_000_000) / 10_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        let kilobytes = Double(count) / 1024
        if kilobytes < 1024 { return "\((kilobytes * 10).rounded() / 10) KB" }
        return "\((kilobytes / 102.4).rounded() / 10) MB"
    }
}
