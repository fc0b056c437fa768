import Logging
import ScoopCore
import Synchronization

/// A process's link to the ZeroMQ broker: one DEALER socket whose routing id
/// is the worker id, sent on by the calling thread and read by a reader
/// thread (a ``DirectSendSocket``).
///
/// The join handshake carries the protocol version and the binary's build
/// identity; the broker answers `welcome` (then every shared constant set so
/// far) or `refuse` with a reason naming both sides. A broker silent for longer
/// than the heartbeat timeout closes the link, so a worker whose launcher
/// died exits instead of lingering. With `curve` keys the link is a CURVE
/// client: encrypted, and only a broker holding the server's secret key can
/// talk to it.
///
/// Threading: see ``NodeTransport``. ``send(_:)`` hands the message to libzmq
/// on the calling thread; envelopes are delivered on the reader thread.
public final class ZeroMQNodeTransport: NodeTransport {
    public let kind = TransportKind.zeromq
    public let workerID: WorkerID
    /// The pool's size: from the launcher at start, then from the broker's welcome.
    public var workerCount: Int { state.withLock { $0.workerCount } }
    public let hostName: String
    public let brokerEndpoint: String
    private let slots: Int
    private let heartbeat: Heartbeat
    private let curve: CurveClientKeys?
    private let logger: Logger
    /// The largest message this process accepts and sends (`ZMQ_MAXMSGSIZE`).
    public let maximumMessageSize: Int

    private struct State {
        var context: ZMQContext?
        var link: DirectSendSocket?
        var delegate: (any NodeTransportDelegate)?
        var joined = false
        var closed = false
        var lastHeard: UInt64 = 0
        var watchdog: Task<Void, Never>?
        var workerCount: Int
        /// Messages from the broker that did not decode, by reason.
        var dropped: [DropReason: Int] = [:]
        var dropLog = LogThrottle(linesPerSecond: 10)
    }
    private let state: Mutex<State>
    private let handshake = JoinHandshake()

    public init(brokerEndpoint: String, workerID: WorkerID, workerCount: Int, hostName: String,
                slots: Int = 1, heartbeat: Heartbeat = Heartbeat(), curve: CurveClientKeys? = nil,
                maximumMessageSize: Int = MessageSizeLimit.defaultBytes, logger: Logger) {
        self.brokerEndpoint = brokerEndpoint
        self.workerID = workerID
        self.state = Mutex(State(workerCount: workerCount))
        self.hostName = hostName
        self.slots = slots
        self.heartbeat = heartbeat
        self.curve = curve
        self.maximumMessageSize = maximumMessageSize
        self.logger = logger
    }

    /// Messages received that were not one frame of well-formed envelopes, by reason.
    public var droppedMessages: [DropReason: Int] { state.withLock { $0.dropped } }

    public func start(delegate: any NodeTransportDelegate) async throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .dealer)
        try socket.set(.routingID(PeerIdentity.bytes(of: workerID)))
        try socket.set(.linger(.milliseconds(2000)))
        try socket.set(.maxMessageSize(Int64(maximumMessageSize)))
        if let curve {
            try socket.set(.curveServerKey(Array(curve.serverPublicKey.utf8)))
            try socket.set(.curvePublicKey(Array(curve.client.publicKey.utf8)))
            try socket.set(.curveSecretKey(Array(curve.client.secretKey.utf8)))
        }
        try socket.connect(brokerEndpoint)
        let link = try DirectSendSocket(
            socket, name: "scoop-worker-\(workerID.rawValue)", logger: logger,
            onUnexpectedStop: { [weak self] reason in self?.linkStopped(reason) },
            onMessage: { [weak self] frames in self?.received(frames) })
        state.withLock {
            $0.context = context
            $0.link = link
            $0.delegate = delegate
            $0.lastHeard = MonotonicClock.nanoseconds
        }
        let request = JoinRequest(build: BuildIdentity.current, workerID: workerID.rawValue, host: hostName,
                                  processID: ProcessInfoLite.processID, slots: slots)
        let payload = try PayloadCodec.encode(request)
        let endpoint = brokerEndpoint
        let timeout = heartbeat.timeout
        let handshake = self.handshake
        let withKeys = curve != nil
        let timer = Task {
            try? await Task.sleep(for: timeout)
            handshake.fail(ZeroMQTransportError.brokerUnreachable(endpoint: endpoint, after: timeout, withKeys: withKeys))
        }
        defer { timer.cancel() }
        try await handshake.perform {
            send(Envelope(kind: .join, source: workerID, target: .broker, payload: payload))
        }
        startWatchdog()
    }

    public func send(_ envelope: Envelope) {
        state.withLock { $0.link }?.send([envelope.encoded()])
    }

    /// One ZeroMQ message for all of them (the broker unpacks every message).
    public func send(_ envelopes: [Envelope]) {
        guard !envelopes.isEmpty else { return }
        state.withLock { $0.link }?.send([EnvelopePacker.frame(of: envelopes)])
    }

    public func shutdown() async {
        let (link, context, watchdog) = state.withLock { state -> (DirectSendSocket?, ZMQContext?, Task<Void, Never>?) in
            state.closed = true
            defer { state.link = nil; state.context = nil; state.watchdog = nil }
            return (state.link, state.context, state.watchdog)
        }
        watchdog?.cancel()
        // Not on the reader thread (this is async, and the reader runs no
        // tasks): the link's shutdown waits for the reader, so the socket is
        // closed before the context's close waits for it.
        link?.shutdown(linger: .milliseconds(2000))
        context?.close()
    }

    // MARK: Receiving (reader thread)

    private func received(_ frames: [[UInt8]]) {
        guard frames.count == 1 else {
            return drop(.unreadable, "a message with \(frames.count) frames")
        }
        guard !frames[0].isEmpty else { return drop(.truncated, "an empty message") }
        let maximumPayload = MessageSizeLimit.maximumPayload(inMessagesOf: maximumMessageSize)
        let decoded = frames[0].withUnsafeBytes { raw in
            Result { () throws(WireError) in try Envelope.decodeAll(raw, maximumPayloadSize: maximumPayload) }
        }
        let envelopes: [Envelope]
        switch decoded {
        case .success(let all): envelopes = all
        case .failure(let error): return drop(DropReason(error), "an unreadable message: \(error)")
        }
        let delegate = state.withLock { state -> (any NodeTransportDelegate)? in
            state.lastHeard = MonotonicClock.nanoseconds
            return state.joined ? state.delegate : nil
        }
        for envelope in envelopes {
            switch envelope.kind {
            case .welcome:
                let reply = try? PayloadCodec.decode(JoinReply.self, from: envelope.payload)
                state.withLock { state in
                    state.joined = true
                    if let reply, reply.workerCount > 0 { state.workerCount = reply.workerCount }
                }
                handshake.accept()
            case .refuse:
                handshake.fail(ZeroMQTransportError.refused(String(decoding: envelope.payload, as: UTF8.self)))
            case .heartbeat:
                send(Envelope(kind: .heartbeat, source: workerID))
            default:
                if let delegate {
                    delegate.transport(received: envelope)
                } else if let late = state.withLock({ $0.joined ? $0.delegate : nil }) {
                    late.transport(received: envelope)
                }
            }
        }
    }

    /// The link's reader stopped on its own: nothing more can arrive.
    private func linkStopped(_ reason: String) {
        let delegate = state.withLock { state -> (any NodeTransportDelegate)? in
            guard !state.closed else { return nil }
            state.closed = true
            // Before the welcome, `start` reports it (the handshake fails below).
            return state.joined ? state.delegate : nil
        }
        handshake.fail(ZeroMQTransportError.linkFailed(reason))
        delegate?.transportClosed(reason: "the link to the broker at \(brokerEndpoint) failed: \(reason)")
    }

    /// Counts a message from the broker that is dropped; logs a few a second at most.
    private func drop(_ reason: DropReason, _ detail: String) {
        let suppressed = state.withLock { state -> Int? in
            state.dropped[reason, default: 0] += 1
            return state.dropLog.admit(now: MonotonicClock.nanoseconds)
        }
        guard let suppressed else { return }
        let note = suppressed == 0 ? "" : " (\(suppressed) similar lines not logged)"
        logger.warning("dropped (\(reason)) \(detail) from the broker at \(brokerEndpoint)\(note)")
    }

    /// Declares the broker gone after a silence longer than the heartbeat timeout.
    ///
    /// A tick that comes much later than the interval means this process was
    /// suspended (SIGSTOP, a frozen VM) or starved, not that the broker fell
    /// silent: the broker gets one more timeout to speak, so that a resumed
    /// worker first delivers what it finished (the broker drops it as late if
    /// it declared this worker lost, and tells it to leave).
    private func startWatchdog() {
        let interval = heartbeat.interval
        let limit = heartbeat.timeout.nanoseconds
        let task = Task { [weak self] in
            var lastTick = MonotonicClock.nanoseconds
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                let now = MonotonicClock.nanoseconds
                let suspended = now &- lastTick > limit
                lastTick = now
                let (silent, delegate) = self.state.withLock { state -> (Bool, (any NodeTransportDelegate)?) in
                    guard !state.closed else { return (false, nil) }
                    let current = MonotonicClock.nanoseconds
                    if suspended { state.lastHeard = current }
                    let silent = current > state.lastHeard && current - state.lastHeard > limit
                    // Closed once: a link that fails meanwhile does not report it again.
                    if silent { state.closed = true }
                    return (silent, state.delegate)
                }
                if suspended {
                    self.logger.warning("this process was suspended or starved for longer than \(self.heartbeat.timeout): waiting one more timeout for the broker")
                }
                if silent {
                    self.logger.error("broker at \(self.brokerEndpoint) silent for longer than \(self.heartbeat.timeout): leaving the pool")
                    delegate?.transportClosed(reason: "the broker at \(self.brokerEndpoint) stopped answering")
                    return
                }
            }
        }
        state.withLock { $0.watchdog = task }
    }
}

/// Why a ZeroMQ link could not be made.
public enum ZeroMQTransportError: Error, CustomStringConvertible, Equatable {
    case brokerUnreachable(endpoint: String, after: Duration, withKeys: Bool)
    case refused(String)
    case badEnvironment(String)
    case linkFailed(String)

    public var description: String {
        switch self {
        case .brokerUnreachable(let endpoint, let after, let withKeys):
            "the broker at \(endpoint) did not answer within \(after); is `scoop run` (or `scoop broker`) running, and reachable from this host?"
                + (withKeys ? " Do this process's CURVE keys belong to its run?"
                    : " If it requires CURVE keys, this process has none (\(CurveEnvironment.secretKey) or \(CurveEnvironment.keyFile)).")
        case .refused(let reason):
            "the broker refused this process: \(reason)"
        case .badEnvironment(let detail):
            "cannot join the pool: \(detail)"
        case .linkFailed(let reason):
            "the link to the broker failed: \(reason)"
        }
    }
}
