#if canImport(Glibc)
import Glibc
#endif
import Logging
import ScoopCore
import Synchronization

/// This process's part in a trace, chosen at start-up from `SCOOP_TRACE`.
///
/// - `collect`: this process writes the trace file (threads transport, MPI's
///   rank 0, a simulated cluster's origin): its own events and those other
///   processes send in `.event` envelopes go into one ``TraceCollector``.
/// - `ship`: events leave in batches every ``shipInterval`` to the broker
///   (ZeroMQ: the launcher writes the file) or to rank 0, off the hot path,
///   and a last batch when the process leaves.
///
/// With `SCOOP_TRACE` unset there is no instance and the node's recording
/// costs one branch per phase.
///
/// Threading: every method may be called from any task; state is behind locks.
final class ProcessTracing: Sendable {
    enum Role: Sendable, Equatable {
        case collect(path: String)
        case ship
    }

    static let shipInterval = Duration.milliseconds(250)

    let recorder = TraceRecorder()
    let collector: TraceCollector
    let role: Role
    let hostName: String
    /// Whether to print the run summary when the trace is written.
    let printsSummary: Bool
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let hub = Mutex<BrokerHub?>(nil)
    private let finished = Mutex(false)

    init(role: Role, hostName: String, printsSummary: Bool) {
        self.role = role
        self.hostName = hostName
        self.printsSummary = printsSummary
        self.collector = TraceCollector(localHost: hostName)
    }

    /// The trace file from the environment (`SCOOP_TRACE=FILE`), if tracing is on.
    static func requestedPath(_ environment: ProcessEnvironment) -> String? {
        guard let path = environment["SCOOP_TRACE"], !path.isEmpty, path != "0" else { return nil }
        return path
    }

    // MARK: Shipping

    /// Starts sending this node's events to the broker every ``shipInterval``.
    ///
    /// The task holds the node strongly until ``finishWorker(_:)`` or
    /// ``finishOrigin(_:sendShutdown:)`` cancels it: a weak reference would
    /// give the node a side table, which slows every retain and release of it.
    func startShipping(from node: Node) {
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: ProcessTracing.shipInterval)
                guard !Task.isCancelled else { return }
                self.ship(from: node, isFinal: false)
            }
        }
        tasks.withLock { $0.append(task) }
    }

    /// Sends what was recorded since the last batch; `isFinal` marks the last one.
    func ship(from node: Node, isFinal: Bool) {
        let events = recorder.take()
        guard isFinal || !events.isEmpty, let transport = node.transport else { return }
        // A batch over the pool's message size limit would cost this process its
        // connection (the broker's socket drops peers that send larger messages).
        let maximumPayload = MessageSizeLimit.maximumPayload(inMessagesOf: transport.maximumMessageSize)
        for piece in batch(of: node, events: events, isFinal: isFinal).pieces(fittingIn: maximumPayload) {
            transport.send(Envelope(kind: .event, source: node.workerID, target: .broker, payload: piece.encoded()))
        }
    }

    private func batch(of node: Node, events: [TraceEvent], isFinal: Bool) -> TraceBatch {
        var names: [FunctionID: String] = [:]
        for event in events where names[event.function] == nil {
            names[event.function] = node.registry[event.function]?.name
        }
        return TraceBatch(worker: node.workerID, host: node.hostName, slots: node.slotCount,
                          sentAt: MonotonicClock.nanoseconds, isFinal: isFinal, functionNames: names, events: events)
    }

    /// A worker leaves: its last batch goes out (before the transport closes).
    func finishWorker(_ node: Node) {
        guard role == .ship, markFinished() else { return }
        stopTasks()
        ship(from: node, isFinal: true)
    }

    // MARK: Collecting

    /// Collects the events other processes send through `hub` (MPI rank 0,
    /// a simulated cluster) and samples its queue.
    func collect(through hub: BrokerHub) {
        self.hub.withLock { $0 = hub }
        let collector = self.collector
        hub.setEventHandler { envelope, _ in collector.receive(envelope.payload) }
        startSamplingQueue { hub.queueLength }
    }

    /// Samples the length of a queue into the collector every 50 ms.
    func startSamplingQueue(_ length: @escaping @Sendable () -> Int) {
        let collector = self.collector
        let task = Task {
            while !Task.isCancelled {
                collector.sampleQueue(length: length())
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        tasks.withLock { $0.append(task) }
    }

    /// The origin ends the run. Shipping: the last batch leaves before the
    /// shutdown. Collecting: after `sendShutdown`, waits for every other
    /// process's last batch, then writes the file (and the summary).
    func finishOrigin(_ node: Node, sendShutdown: () -> Void) async {
        guard markFinished() else { return sendShutdown() }
        stopTasks()
        guard case .collect(let path) = role else {
            ship(from: node, isFinal: true)
            return sendShutdown()
        }
        sendShutdown()
        let others = Set((1..<max(1, node.workerCount)).map { WorkerID($0) })
        let missing = await collector.waitForFinalBatches(from: others, timeout: .seconds(10))
        if !missing.isEmpty {
            node.logger.warning("trace: no last events from worker(s) \(missing.sorted().map { String($0.rawValue) }.joined(separator: ", ")); their spans may be incomplete")
        }
        collector.add(batch(of: node, events: recorder.take(), isFinal: true))
        let counters = hub.withLock({ $0 }).map { hub in
            let core = hub.counters
            return RunTrace.BrokerCounters(routed: core.routed, dropped: core.dropped, requeued: core.requeued,
                                           peakQueueLength: hub.peakQueueLength)
        }
        let trace = collector.assemble(transport: node.transportKind.description, broker: counters)
        do {
            try ChromeTraceWriter.write(trace, toFile: path)
            node.logger.info("trace of \(trace.spans.count) futures written to \(path)")
        } catch {
            node.logger.error("could not write the trace to \(path): \(error)")
        }
        if printsSummary {
            let text = RunSummary.lines(for: trace).joined(separator: "\n") + "\n"
            _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        }
    }

    private func markFinished() -> Bool {
        finished.withLock { done in
            defer { done = true }
            return !done
        }
    }

    private func stopTasks() {
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }
}
