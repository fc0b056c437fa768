import Synchronization

/// A node's link to a ``BrokerHub`` in the same process: envelopes go to the
/// hub by a function call and come back through an ``InOrderDelivery``, so
/// the delegate sees them one at a time, in order, as ``NodeTransport`` promises.
///
/// ```swift
/// let hub = BrokerHub(workerCount: 3, logger: logger)
/// let link = LocalNodeLink(hub: hub, workerID: .origin, workerCount: 3, kind: .inMemory, hostName: "here")
/// try await link.start(delegate: node)
/// ```
public final class LocalNodeLink: NodeTransport {
    public let kind: TransportKind
    public let workerID: WorkerID
    public let workerCount: Int
    public let hostName: String
    /// The hub this link talks to (internal: tests read its state).
    let hub: BrokerHub
    private let slots: Int

    private struct State {
        var delegate: (any NodeTransportDelegate)?
        var closed = false
    }
    private let state = Mutex(State())
    private let handshake = JoinHandshake()

    public init(hub: BrokerHub, workerID: WorkerID, workerCount: Int, kind: TransportKind, hostName: String, slots: Int = 1) {
        self.hub = hub
        self.workerID = workerID
        self.workerCount = workerCount
        self.kind = kind
        self.hostName = hostName
        self.slots = slots
    }

    public func start(delegate: any NodeTransportDelegate) async throws {
        state.withLock { $0.delegate = delegate }
        let delivery = InOrderDelivery<Envelope> { [weak self] envelope in self?.arrived(envelope) }
        hub.attach(workerID) { envelope in delivery.enqueue(envelope) }
        let request = JoinRequest(build: BuildIdentity.current, workerID: workerID.rawValue, host: hostName,
                                  processID: 0, slots: slots)
        let payload = try PayloadCodec.encode(request)
        try await handshake.perform {
            send(Envelope(kind: .join, source: workerID, target: .broker, payload: payload))
        }
    }

    public func send(_ envelope: Envelope) {
        guard !state.withLock({ $0.closed }) else { return }
        hub.receive(envelope, from: workerID)
    }

    public func shutdown() async {
        state.withLock {
            $0.closed = true
            $0.delegate = nil
        }
    }

    private func arrived(_ envelope: Envelope) {
        switch envelope.kind {
        case .welcome:
            handshake.accept()
        case .refuse:
            handshake.fail(JoinRefused(reason: String(decoding: envelope.payload, as: UTF8.self)))
        default:
            state.withLock { $0.delegate }?.transport(received: envelope)
        }
    }
}

/// The broker refused this process's join.
public struct JoinRefused: Error, CustomStringConvertible, Equatable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "the broker refused this process: \(reason)" }
}
