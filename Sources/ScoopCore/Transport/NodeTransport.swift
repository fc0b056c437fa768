/// A process's connection to the rest of the pool: it moves ``Envelope``s
/// between this process (a "node": the origin or a worker) and the broker.
///
/// Implementations: the ZeroMQ worker link (`ScoopZeroMQ`), the MPI rank link
/// (`ScoopMPI`) and ``LocalNodeLink`` on an in-process ``BrokerHub`` (MPI's
/// rank 0, and simulated processes for tests). The threads transport has none:
/// one node runs every future.
///
/// ## Threading contract
/// - ``send(_:)`` may be called from any thread or task, concurrently. It never
///   waits for the network and never suspends: it queues the envelope (or
///   hands it to the transport's library, which queues it; a short lock at
///   most), and envelopes sent by one thread leave in the order they were sent.
/// - The delegate is called one call at a time, in arrival order: on the
///   transport's I/O thread (ZeroMQ, MPI workers) or on the thread that
///   handed the envelope to an in-process hub (``LocalNodeLink``). Delegate methods must return quickly (take a lock,
///   update state, start a task); they must not block or wait for a send.
/// - ``start(delegate:)`` returns once the handshake is done (the broker
///   accepted this process) or throws why it was refused or unreachable.
public protocol NodeTransport: Sendable {
    /// Which transport this is.
    var kind: TransportKind { get }
    /// This process's worker id (0 on the origin).
    var workerID: WorkerID { get }
    /// How many workers (processes, counting the origin) the pool was started with.
    var workerCount: Int { get }
    /// The name of the host this process runs on.
    var hostName: String { get }

    /// Connects, performs the handshake, and starts delivering envelopes.
    func start(delegate: any NodeTransportDelegate) async throws
    /// The largest message the pool accepts, in bytes: a larger envelope
    /// must not be sent (the broker would disconnect this process).
    var maximumMessageSize: Int { get }
    /// Queues an envelope for the broker (which routes it by its header).
    func send(_ envelope: Envelope)
    /// Queues envelopes that leave together, in order: one message where the
    /// transport can pack them (a result and the next request for work), so
    /// the broker reads them at once. Same threading as ``send(_:)``.
    func send(_ envelopes: [Envelope])
    /// Flushes what is queued, closes the connection and stops the I/O thread.
    func shutdown() async
}

/// Receives what a ``NodeTransport`` delivers. Called on the transport's I/O
/// thread, serially; see ``NodeTransport`` for the contract.
public protocol NodeTransportDelegate: AnyObject, Sendable {
    /// An envelope arrived for this process.
    func transport(received envelope: Envelope)
    /// The connection is gone for good (broker died, shutdown, refused).
    func transportClosed(reason: String)
}

extension NodeTransport {
    /// No limit beyond the wire format's (in-process and MPI links).
    public var maximumMessageSize: Int { MessageSizeLimit.defaultBytes }

    /// One ``send(_:)`` per envelope (a transport without packing).
    public func send(_ envelopes: [Envelope]) {
        for envelope in envelopes { send(envelope) }
    }
}
