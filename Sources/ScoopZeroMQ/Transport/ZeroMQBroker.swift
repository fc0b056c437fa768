import Logging
import ScoopCore
import Synchronization

/// The ZeroMQ broker: a ROUTER socket driving the shared ``BrokerCore``.
///
/// It routes envelopes by their headers and never decodes a task's payload.
/// Results go back through it to the future's owner (one hop each way, one
/// socket per worker, and the broker's in-flight table always knows what
/// every worker holds). It pings every member each heartbeat interval; a
/// member silent for longer than the timeout is removed and its futures
/// re-queued.
///
/// With `curve` keys it is a CURVE server: traffic is encrypted, and a ZAP
/// handler on the broker's loop thread lets in only the listed client keys,
/// logging every refused attempt (see ``CurveGatekeeper``).
///
/// ```swift
/// let broker = try ZeroMQBroker(bindTo: "tcp://127.0.0.1:*", workerCount: 4, logger: logger)
/// print(broker.endpoint)            // tcp://127.0.0.1:40211
/// let summary = await broker.waitUntilShutdown()
/// broker.stop()
/// ```
///
/// Threading: the core is touched only on the loop thread and by
/// ``removeWorker(_:reason:)``, both under one mutex.
public final class ZeroMQBroker: Sendable {
    /// The endpoint workers connect to (the bound port resolved).
    public let endpoint: String
    /// The endpoint workers on this host connect to instead, if one was asked
    /// for and could be bound (see `init`).
    public let localEndpoint: String?
    private let context: ZMQContext
    private let loop: ZMQEventLoop
    private let socket: Mutex<ZMQSocketHandle?> = Mutex(nil)
    private let logger: Logger
    private let heartbeat: Heartbeat
    private let gatekeeper: CurveGatekeeper?
    /// The largest message accepted (`ZMQ_MAXMSGSIZE`) and sent (packed batches are split below it).
    public let maxMessageSize: Int
    private let summaryLogged = Atomic<Bool>(false)

    private struct State {
        var core: BrokerCore
        var lastHeard: [WorkerID: UInt64] = [:]
        var shutdownWaiters: [CheckedContinuation<BrokerSummary, Never>] = []
        var finished: BrokerSummary?
        /// Bad input is logged a few lines a second at most; the summary counts all of it.
        var dropLog = LogThrottle(linesPerSecond: 10)
    }
    private let state: Mutex<State>
    private let pinger: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let eventHandler = Mutex(EventHandlerSlot())

    /// Binds the broker. `address` is a ZeroMQ endpoint such as
    /// `tcp://127.0.0.1:*` (loopback, a port chosen by the OS) or `tcp://*:5555`.
    /// `expectedBuild` is the program's build identity when the launcher knows
    /// it; otherwise the origin's join sets it. With `curve`, only clients
    /// holding one of its authorized key pairs (and the server's public key) get in.
    /// `maxWorkerLosses` is the retry limit: a future in flight on that many
    /// lost workers fails instead of being re-queued. A peer sending a message
    /// larger than `maxMessageSize` bytes is disconnected by libzmq; `limits`
    /// say how many joins and malformed messages are tolerated (see ``BrokerLimits``).
    ///
    /// `localAddress`, an `ipc://` endpoint, is bound as well, for workers on
    /// this host: a Unix socket moves a message with less kernel work than
    /// TCP over loopback (a remote round trip on ZeroMQ is four hops). It is
    /// a convenience: when it cannot be bound (a file system without sockets,
    /// no permission) the broker logs why and ``localEndpoint`` is nil.
    public init(bindTo address: String, localAddress: String? = nil, workerCount: Int, expectedBuild: String? = nil,
                heartbeat: Heartbeat = Heartbeat(), curve: CurveServerKeys? = nil,
                maxWorkerLosses: Int = BrokerCore.defaultMaxWorkerLosses,
                maxMessageSize: Int = MessageSizeLimit.defaultBytes, limits: BrokerLimits = BrokerLimits(),
                logger: Logger) throws {
        self.logger = logger
        self.heartbeat = heartbeat
        self.maxMessageSize = maxMessageSize
        self.state = Mutex(State(core: BrokerCore(expectedBuild: expectedBuild, workerCount: workerCount,
                                                  maxWorkerLosses: maxWorkerLosses, limits: limits)))
        context = try ZMQContext()
        loop = try ZMQEventLoop(name: "scoop-broker", logger: logger)
        let router = try ZMQSocket(context: context, type: .router)
        try router.set(.linger(.milliseconds(1000)))
        try router.set(.routerMandatory(false))
        try router.set(.sendHighWaterMark(0))
        try router.set(.receiveHighWaterMark(0))
        // A peer announcing an absurd frame is cut off before libzmq allocates it.
        try router.set(.maxMessageSize(Int64(maxMessageSize)))
        // The ZAP handler and the monitor are in place before the first peer can connect.
        if let curve {
            let gate = try CurveGatekeeper(context: context, loop: loop, keys: curve, logger: logger)
            try gate.guardSocket(router)
            gatekeeper = gate
        } else {
            gatekeeper = nil
        }
        try router.bind(address)
        endpoint = try router.lastEndpoint
        var local: String?
        if let localAddress {
            do {
                try router.bind(localAddress)
                local = try router.lastEndpoint
            } catch {
                logger.info("workers on this host use TCP: cannot listen on \(localAddress) (\(error))")
            }
        }
        localEndpoint = local
        let handle = loop.addSocket(router) { [weak self] frames in self?.received(frames) }
        socket.withLock { $0 = handle }
        startPinging()
    }

    /// What the broker saw, for the run summary.
    public struct BrokerSummary: Sendable, Equatable {
        public var counters: BrokerCore.Counters
        public var peakQueueLength: Int
        /// Why the run ended: nil for the origin's clean shutdown.
        public var failure: String?
    }

    /// Waits until the origin ends the run (or is lost).
    public func waitUntilShutdown() async -> BrokerSummary {
        await withCheckedContinuation { continuation in
            let done: BrokerSummary? = state.withLock {
                if let finished = $0.finished { return finished }
                $0.shutdownWaiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Whether the run has ended (the origin's shutdown, or its loss).
    public var hasEnded: Bool { state.withLock { $0.finished != nil } }

    /// Removes a worker known to be gone (its process exited, or it stopped
    /// answering heartbeats): its futures are re-queued (see ``BrokerCore/remove(_:)``).
    public func removeWorker(_ worker: WorkerID, reason: String) {
        let (sends, lost, requeued, joined) = state.withLock { state -> ([BrokerCore.Send], LostWorker?, Int, Bool) in
            state.lastHeard[worker] = nil
            let before = state.core.counters.requeued
            let wasMember = state.core.members[worker] != nil
            let joined = state.core.hasBeenMember(worker)
            let sends = joined ? state.core.remove(worker) : state.core.neverJoined(worker)
            let lost = wasMember && !state.core.isShutDown ? state.core.lost[worker] : nil
            return (sends, lost, state.core.counters.requeued - before, joined)
        }
        if let lost {
            logger.warning("\(lost) lost: \(reason); \(requeued) future(s) in flight on it re-queued")
        } else if !joined && !hasEnded {
            logger.warning("worker \(worker.rawValue) never joined: \(reason); the run goes on without it")
        } else {
            logger.info("worker \(worker.rawValue) left: \(reason)")
        }
        deliver(sends)
        handleNotices(failure: worker == .origin ? "the origin (worker 0) \(reason)" : nil)
    }

    /// Whether peers must hold the run's CURVE keys.
    public var requiresCurve: Bool { gatekeeper != nil }

    /// Connection attempts refused for want of the run's CURVE keys.
    public var refusedConnections: Int { gatekeeper?.refusals ?? 0 }

    /// Calls `handler` on the broker's thread with every `.event` envelope
    /// (trace batches, progress) a member sends; it must return quickly.
    public func setEventHandler(_ handler: @escaping @Sendable (Envelope, WorkerID) -> Void) {
        eventHandler.withLock { $0.handler = handler }
    }

    /// What the broker has counted so far, and its queue now (traces, run summary).
    public var currentSummary: (summary: BrokerSummary, queueLength: Int) {
        state.withLock { state in
            (BrokerSummary(counters: state.core.counters, peakQueueLength: state.core.scheduler.peakQueueLength,
                           failure: nil), state.core.scheduler.queue.count)
        }
    }

    /// The members' count, the queue, each worker's credits and the futures
    /// each worker runs or holds, on one line (see
    /// ``BrokerScheduler/stateDescription``): what `scoop run` logs on
    /// `SIGUSR1`. Never waits for the broker's lock (a stall may be a
    /// thread holding it: the description then says so).
    public var stateDescription: String {
        state.withLockIfAvailable { "\($0.core.members.count) member(s); " + $0.core.scheduler.stateDescription }
            ?? "the broker's state is locked by another thread"
    }

    /// Members currently in the pool.
    public var members: [WorkerID] { state.withLock { $0.core.members.keys.sorted() } }

    /// Whether `worker` completed the handshake at some point in this run
    /// (it may have been lost or removed since).
    public func hasJoined(_ worker: WorkerID) -> Bool {
        state.withLock { $0.core.hasBeenMember(worker) }
    }

    /// The broker's counters so far.
    public var counters: BrokerCore.Counters { state.withLock { $0.core.counters } }

    /// Stops the broker thread and closes its socket; logs the counters once
    /// (a warning when anything was dropped or refused).
    public func stop() {
        if !summaryLogged.exchange(true, ordering: .relaxed) {
            let counters = self.counters
            if counters.dropped > 0 || counters.refusedJoins > 0 {
                logger.warning("broker summary: \(counters)")
            } else {
                logger.info("broker summary: \(counters)")
            }
            // Work still queued or running when the run ends: a body that did
            // not await everything, or a stall (what each worker was owed).
            if let outstanding = state.withLock({ $0.core.scheduler.outstandingWork }) {
                logger.info("broker at shutdown: \(outstanding)")
            }
        }
        pinger.withLock { $0?.cancel() }
        loop.shutdown(linger: .milliseconds(500))
        context.close()
    }

    // MARK: Loop thread

    /// One message from the ROUTER: the peer's routing id, then one frame of
    /// packed envelopes. Anything else is dropped and counted by the core. A
    /// ROUTER cannot close one peer's connection, so a peer that is cut off
    /// is ignored by routing id, and no state is kept for peers that have
    /// not joined (see docs/hostile-input.md).
    private func received(_ frames: [[UInt8]]) {
        let maximumPayload = MessageSizeLimit.maximumPayload(inMessagesOf: maxMessageSize)
        let now = MonotonicClock.nanoseconds
        let peer = frames.first.flatMap(PeerIdentity.worker(from:))
        let (sends, envelopes, fromMember) = state.withLock { state -> ([BrokerCore.Send], [Envelope], Bool) in
            guard frames.count == 2, let peer else {
                let from = peer.map { "from \($0)" } ?? "from an unknown peer"
                return (state.core.dropMalformed("a message with \(frames.count) frames \(from)", from: peer), [], false)
            }
            let (sends, envelopes) = frames[1].withUnsafeBytes {
                state.core.receive(frame: $0, from: peer, maximumPayloadSize: maximumPayload, now: now)
            }
            // After the core, so that a join starts the member's heartbeat clock.
            if state.core.members[peer] != nil { state.lastHeard[peer] = now }
            return (sends, envelopes, state.core.members[peer] != nil)
        }
        // A single envelope forwarded unchanged (a task to a worker, a result
        // to its owner) goes out as the bytes that came in: no re-encoding.
        let forwarded = envelopes.count == 1 ? (envelope: envelopes[0], bytes: frames[1]) : nil
        deliver(sends, forwarding: forwarded)
        handleNotices(failure: nil)
        // Trace events only from members: a stranger cannot write into the run's trace.
        let events = fromMember ? envelopes.filter { $0.kind == .event } : []
        if let peer, !events.isEmpty, let handler = eventHandler.withLock({ $0.handler }) {
            for envelope in events { handler(envelope, peer) }
        }
    }

    /// Sends envelopes; several for the same worker travel packed in one
    /// ZeroMQ message (one syscall and one wake-up for the whole batch).
    private func deliver(_ sends: [BrokerCore.Send], forwarding forwarded: (envelope: Envelope, bytes: [UInt8])? = nil) {
        guard !sends.isEmpty, let handle = socket.withLock({ $0 }) else { return }
        if sends.count == 1 {
            let send = sends[0]
            let bytes = forwarded.flatMap { $0.envelope == send.envelope ? $0.bytes : nil } ?? send.envelope.encoded()
            loop.send([PeerIdentity.bytes(of: send.worker), bytes], on: handle)
            return
        }
        var order: [WorkerID] = []
        var packers: [WorkerID: EnvelopePacker] = [:]
        var messages: [[[UInt8]]] = []
        for send in sends {
            if packers[send.worker] == nil { order.append(send.worker) }
            var packer = packers[send.worker] ?? EnvelopePacker()
            // A batch never exceeds the message size limit the worker enforces.
            if packer.count > 0, packer.byteCount + send.envelope.encodedSize > maxMessageSize {
                messages.append([PeerIdentity.bytes(of: send.worker), packer.take()])
            }
            packer.append(send.envelope)
            packers[send.worker] = packer
        }
        for worker in order { messages.append([PeerIdentity.bytes(of: worker), packers[worker]!.take()]) }
        loop.send(contentsOf: messages, on: handle)
    }

    private func handleNotices(failure: String?) {
        let (notices, summary, waiters) = state.withLock { state -> ([BrokerCore.Notice], BrokerSummary?, [CheckedContinuation<BrokerSummary, Never>]) in
            let notices = state.core.takeNotices()
            guard state.core.isShutDown, state.finished == nil else { return (notices, nil, []) }
            let lost = notices.contains(.originLost)
            let summary = BrokerSummary(counters: state.core.counters, peakQueueLength: state.core.scheduler.peakQueueLength,
                                        failure: lost ? (failure ?? "the origin (worker 0) was lost") : nil)
            state.finished = summary
            defer { state.shutdownWaiters = [] }
            return (notices, summary, state.shutdownWaiters)
        }
        for notice in notices {
            switch notice {
            case .joined(let worker, let host): logger.debug("worker \(worker.rawValue) joined from \(host)")
            case .refused(let reason):
                if let suppressed = admitDropLine() { logger.error("refused a join: \(reason)\(Self.suppressedNote(suppressed))") }
            case .dropped(let reason, let detail):
                if let suppressed = admitDropLine() { logger.warning("dropped (\(reason)) \(detail)\(Self.suppressedNote(suppressed))") }
            case .cutOff(let peer):
                if let suppressed = admitDropLine() {
                    logger.error("\(peer) sent too many malformed messages: cut off, everything from it is ignored from now on\(Self.suppressedNote(suppressed))")
                }
            case .shutdown: logger.debug("the origin ended the run")
            case .originLost: logger.error("the origin was lost: ending the run")
            case .workerLost: break  // logged by removeWorker, with the reason
            case .futureFailed(let future, let workers):
                logger.error("future \(future) failed: it was in flight on \(workers.count) lost workers (\(workers.map(\.description).joined(separator: ", ")))")
            case .noOtherWorker(let future):
                logger.error("future \(future) failed: it must run in another process, and no other worker is left in the pool")
            }
        }
        if let summary { for waiter in waiters { waiter.resume(returning: summary) } }
    }

    private func admitDropLine() -> Int? {
        state.withLock { $0.dropLog.admit(now: MonotonicClock.nanoseconds) }
    }

    private static func suppressedNote(_ count: Int) -> String {
        count == 0 ? "" : " (\(count) similar lines not logged)"
    }

    /// Whether a member last heard at `lastHeard` (nil: not yet, counts as
    /// now) has been silent for more than `limit` nanoseconds. The clock is
    /// read here, under the broker's lock, and a time later than it counts
    /// as silence of zero: read before the lock, it could precede a message
    /// stamped while the reader waited, and the wrapping difference declared
    /// a live worker lost (the origin too, which ended the run).
    static func isSilent(since lastHeard: UInt64?, limit: UInt64, now: UInt64 = MonotonicClock.nanoseconds) -> Bool {
        guard let lastHeard, now > lastHeard else { return false }
        return now - lastHeard > limit
    }

    private func startPinging() {
        let interval = heartbeat.interval
        let limit = heartbeat.timeout.nanoseconds
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                let (members, silent) = self.state.withLock { state -> ([WorkerID], [WorkerID]) in
                    let members = state.core.members.keys.sorted()
                    let silent = members.filter { Self.isSilent(since: state.lastHeard[$0], limit: limit) }
                    return (members, silent)
                }
                for worker in silent {
                    self.removeWorker(worker, reason: "stopped answering heartbeats for longer than \(self.heartbeat.timeout)")
                }
                self.deliver(members.filter { !silent.contains($0) }.map {
                    BrokerCore.Send(worker: $0, envelope: Envelope(kind: .heartbeat, source: .broker, target: $0))
                })
            }
        }
        pinger.withLock { $0 = task }
    }
}
