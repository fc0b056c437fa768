import CZeroMQ
import Logging
import Synchronization

/// The broker's door when it requires CURVE: a ZAP handler that lets in only
/// the run's client keys, and a monitor of the broker socket that reports
/// every other failed handshake (no keys, wrong server key). Every refusal
/// is counted and logged as a warning with the peer address: exact for a
/// wrong client key (ZAP gives it), read from the socket when the monitor
/// event arrives otherwise (a peer refused very quickly may be gone by then
/// and is logged as "an unknown address"). Bytes that are not ZMTP at all are
/// dropped by libzmq without a handshake event, so they are not logged here.
///
/// **Threading contract.** Both sockets (the ZAP ROUTER at
/// `inproc://zeromq.zap.01` and the monitor PAIR) belong to the broker's
/// ``ZMQEventLoop``: requests and events are handled on its thread, one at a
/// time, between the broker's own messages. libzmq's I/O thread waits for
/// the ZAP reply before it lets a client in, so a broker thread blocked in
/// its own callbacks delays new connections but no traffic of joined ones.
/// ``refusals`` may be read from any thread.
///
/// ```swift
/// let gate = try CurveGatekeeper(context: context, loop: loop, keys: keys, logger: logger)
/// try gate.guardSocket(router)   // before router.bind(...)
/// ```
final class CurveGatekeeper: Sendable {
    /// libzmq looks for the ZAP handler of a context at this address.
    static let zapEndpoint = "inproc://zeromq.zap.01"

    private let keys: CurveServerKeys
    private let logger: Logger
    private let loop: ZMQEventLoop
    private let context: ZMQContext
    private let refused = Atomic<Int>(0)
    /// Loop-thread state of the monitor (a lock only to make it `Sendable`).
    private let connections = Mutex(MonitorState())

    private struct MonitorState {
        /// Peer addresses of accepted connections, by descriptor.
        var peers: [UInt32: String] = [:]
        /// A failed handshake whose connection is about to be closed.
        var pendingFailure: String?
    }

    /// Binds the ZAP handler in `context` and hands it to `loop`.
    init(context: ZMQContext, loop: ZMQEventLoop, keys: CurveServerKeys, logger: Logger) throws {
        self.keys = keys
        self.logger = logger
        self.loop = loop
        self.context = context
        let zap = try ZMQSocket(context: context, type: .router)
        try zap.set(.linger(.zero))
        try zap.bind(Self.zapEndpoint)
        let handle = Mutex<ZMQSocketHandle?>(nil)
        let added = loop.addSocket(zap) { [weak self] frames in
            guard let self, let zap = handle.withLock({ $0 }) else { return }
            self.answer(frames, on: zap)
        }
        handle.withLock { $0 = added }
    }

    /// Connection attempts refused so far.
    var refusals: Int { refused.load(ordering: .relaxed) }

    /// Makes `socket` (not yet bound) a CURVE server behind this gate and
    /// watches its handshakes.
    func guardSocket(_ socket: ZMQSocket) throws {
        try socket.set(.curveServer(true))
        try socket.set(.curveSecretKey(Array(keys.server.secretKey.utf8)))
        let endpoint = "inproc://scoop-broker-monitor-\(UInt64.random(in: 0...UInt64.max))"
        try socket.monitor(at: endpoint, events: ZMQMonitorEvent.handshakeEvents)
        let pair = try ZMQSocket(context: context, type: .pair)
        try pair.set(.linger(.zero))
        try pair.connect(endpoint)
        _ = loop.addSocket(pair) { [weak self] frames in
            guard let self, let event = ZMQMonitorEvent(frames: frames) else { return }
            self.observe(event)
        }
    }

    // MARK: Loop thread

    private func answer(_ frames: [[UInt8]], on zap: ZMQSocketHandle) {
        guard let request = ZAPRequest(frames: frames) else {
            logger.warning("ignored a malformed ZAP request of \(frames.count) frames")
            return
        }
        if let key = request.clientKey, keys.authorizedClients.contains(key) {
            loop.send(request.reply(allowed: true, reason: "OK", userID: key), on: zap)
            logger.debug("CURVE client \(request.address) admitted")
            return
        }
        let why = request.mechanism == "CURVE"
            ? "its CURVE key \(request.clientKey.map { String($0.prefix(8)) + "…" } ?? "?") is not one of this run's"
            : "it uses the \(request.mechanism) mechanism"
        loop.send(request.reply(allowed: false, reason: "not a member of this run"), on: zap)
        refuse(address: request.address, why: why)
    }

    private func observe(_ event: ZMQMonitorEvent) {
        let refusal: (address: String, why: String)? = connections.withLock { state in
            switch Int32(event.event) {
            case ZMQ_EVENT_ACCEPTED:
                // Read on this thread after the fact: a peer that was quick to be refused may be gone already.
                state.peers[event.value] = peerAddress(ofDescriptor: Int32(bitPattern: event.value))
                    ?? "an unknown address (closed before it could be read)"
            case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
                state.pendingFailure = Self.describe(protocolError: event.value)
            case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
                state.pendingFailure = "the handshake ended early (a peer with no CURVE keys, or not a ZeroMQ peer)"
            case ZMQ_EVENT_DISCONNECTED:
                let address = state.peers.removeValue(forKey: event.value) ?? "an unknown address"
                defer { state.pendingFailure = nil }
                return state.pendingFailure.map { (address, $0) }
            default:
                // HANDSHAKE_FAILED_AUTH: the ZAP handler logged it, with the address.
                break
            }
            return nil
        }
        if let refusal { refuse(address: refusal.address, why: refusal.why) }
    }

    private func refuse(address: String, why: String) {
        let count = refused.add(1, ordering: .relaxed).newValue
        logger.warning("refused a connection from \(address): \(why) (\(count) refused so far)")
    }

    static func describe(protocolError code: UInt32) -> String {
        switch Int32(bitPattern: code) {
        case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
            "it has no CURVE keys (it offered another security mechanism)"
        case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
            "its CURVE handshake failed (it does not have this run's server key)"
        default:
            "ZMTP handshake error 0x\(String(code, radix: 16))"
        }
    }
}
