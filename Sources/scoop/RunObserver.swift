import Foundation
import Logging
import ScoopCore
import ScoopLaunch
import ScoopZeroMQ
import Synchronization

/// What the launcher of a `scoop run` observes of the run: every process's
/// trace events arrive at its broker in `.event` envelopes; at the end it
/// writes the trace file (`--trace FILE`) and prints the run summary (`-v`).
///
/// ```swift
/// let observer = RunObserver(tracePath: "run.json", summary: true, logger: logger)
/// observer.attach(to: broker)
/// // ... the run ...
/// await observer.finish(broker: broker, workers: Set(ids))
/// ```
///
/// Threading: the broker's thread feeds the collector (thread-safe); the
/// rest runs on the session's task.
final class RunObserver: Sendable {
    let tracePath: String?
    let printsSummary: Bool
    private let collector = TraceCollector(localHost: LocalHost.hostname)
    private let logger: Logger
    private let sampler = Sampler()

    /// Whether the origin's maps show a progress bar here (a terminal, not `--no-progress`).
    let showsProgress: Bool

    init(tracePath: String?, summary: Bool, progress: Bool, logger: Logger) {
        self.tracePath = tracePath
        self.printsSummary = summary
        self.showsProgress = progress && isatty(STDERR_FILENO) == 1
        self.logger = logger
    }

    /// Whether workers must record and send their events.
    var isRecording: Bool { tracePath != nil || printsSummary }

    /// Starts collecting what `broker` receives and sampling its queue.
    func attach(to broker: ZeroMQBroker) {
        let collector = self.collector
        let showsProgress = self.showsProgress
        if isRecording || showsProgress {
            broker.setEventHandler { envelope, _ in
                if let progress = ProgressRecord(payload: envelope.payload) {
                    guard showsProgress else { return }
                    StatusLine.shared.show(progress.done >= progress.total ? nil : progress.line(width: RunObserver.terminalWidth))
                } else {
                    collector.receive(envelope.payload)
                }
            }
        }
        guard isRecording else { return }
        sampler.start { [weak broker] in
            guard let broker else { return }
            collector.sampleQueue(length: broker.currentSummary.queueLength)
        }
    }

    /// The environment that tells worker `id` to record and send its events,
    /// and the origin whether to send its maps' progress.
    func workerEnvironment(id: Int) -> [String: String] {
        var environment = isRecording ? ["SCOOP_TRACE": "broker"] : [:]
        if id == 0 { environment["SCOOP_PROGRESS"] = showsProgress ? "broker" : "0" }
        return environment
    }

    static var terminalWidth: Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col) - 1
    }

    /// The run is over: waits for the last batches of `workers`, then writes
    /// the trace and prints the summary. Returns the assembled trace.
    @discardableResult
    func finish(broker: ZeroMQBroker, workers: Set<WorkerID>) async -> RunTrace? {
        sampler.stop()
        if showsProgress { StatusLine.shared.show(nil) }
        guard isRecording else { return nil }
        let missing = await collector.waitForFinalBatches(from: workers, timeout: .seconds(5))
        if !missing.isEmpty {
            logger.warning("trace: no last events from worker(s) \(missing.sorted().map { String($0.rawValue) }.joined(separator: ", ")); their spans may be incomplete")
        }
        let summary = broker.currentSummary.summary
        let trace = collector.assemble(transport: "zeromq", broker: RunTrace.BrokerCounters(
            routed: summary.counters.routed, dropped: summary.counters.dropped,
            requeued: summary.counters.requeued, peakQueueLength: summary.peakQueueLength))
        if let tracePath {
            do {
                try ChromeTraceWriter.write(trace, toFile: tracePath)
                logger.info("trace of \(trace.spans.count) futures written to \(tracePath)")
            } catch {
                logger.error("could not write the trace to \(tracePath): \(error)")
            }
        }
        if printsSummary {
            let text = RunSummary.lines(for: trace).joined(separator: "\n") + "\n"
            SerializedOutput.standardError.write(Array(text.utf8))
        }
        return trace
    }
}

/// A task that runs a closure every 50 ms until stopped.
final class Sampler: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(every interval: Duration = .milliseconds(50), _ body: @escaping @Sendable () -> Void) {
        let newTask = Task {
            while !Task.isCancelled {
                body()
                try? await Task.sleep(for: interval)
            }
        }
        task.withLock { $0 = newTask }
    }

    func stop() { task.withLock { $0?.cancel() } }
}
