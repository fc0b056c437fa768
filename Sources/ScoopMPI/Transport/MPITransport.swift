import Logging
import ScoopCore
import Synchronization

/// The MPI transport: every rank of `mpirun -n N ./Program` is a worker;
/// rank 0 is the origin and also runs the broker's scheduling (a
/// ``BrokerHub``) so no extra process is needed. Static world only (no
/// `MPI_Comm_spawn`).
///
/// ```swift
/// let (transport, rank, size) = try MPITransport.start(hostName: "node01", logger: logger)
/// ```
public enum MPITransport {
    /// The MPI tag every envelope travels on.
    public static let envelopeTag: Int32 = 1

    /// Starts MPI on its progress thread and returns this rank's link to the pool.
    /// On rank 0, `configureHub` sees the in-process broker before any rank joins (tracing collects through it);
    /// `maxWorkerLosses` is its retry limit (how many lost ranks a future may outlive before it fails).
    public static func start(hostName: String, maxWorkerLosses: Int = BrokerCore.defaultMaxWorkerLosses, logger: Logger,
                             configureHub: (BrokerHub) -> Void = { _ in }) throws -> (transport: any NodeTransport, rank: Int, size: Int) {
        let reference = MPIEngineReference()
        // Messages can arrive before this rank knows its role (rank 0's hub or
        // a worker's link is built once MPI tells the rank): they wait here.
        let inbox = HandlerSlot<(source: Int, bytes: [UInt8])>()
        let engine = try MPIProgressEngine.start { source, tag, bytes in
            guard tag == envelopeTag else { return }
            inbox.deliver((source, bytes))
        }
        reference.set(engine)
        let rank = engine.rank, size = engine.size
        var rankLogger = logger
        rankLogger[metadataKey: "rank"] = "\(rank)"
        let logger = rankLogger
        if rank == 0 {
            let brokerHub = BrokerHub(workerCount: size, maxWorkerLosses: maxWorkerLosses, logger: logger)
            configureHub(brokerHub)
            for worker in 1..<max(1, size) {
                brokerHub.attach(WorkerID(worker)) { envelope in reference.send(envelope.encoded(), to: worker) }
            }
            inbox.setHandler { source, bytes in
                guard let envelopes = try? bytes.withUnsafeBytes({ try Envelope.decodeAll($0) }) else {
                    logger.warning("dropped an unreadable message from rank \(source)")
                    return
                }
                for envelope in envelopes { brokerHub.receive(envelope, from: WorkerID(source)) }
            }
            let link = LocalNodeLink(hub: brokerHub, workerID: .origin, workerCount: size, kind: .mpi, hostName: hostName)
            return (RankZeroLink(link: link, hub: brokerHub, engine: reference, logger: logger), rank, size)
        }
        let link = MPIWorkerLink(engine: reference, rank: rank, size: size, hostName: hostName, logger: logger)
        inbox.setHandler { _, bytes in link.received(bytes) }
        return (link, rank, size)
    }
}

/// Rank 0's link: the in-process link to the scheduler, plus MPI's shutdown.
final class RankZeroLink: NodeTransport {
    private let link: LocalNodeLink
    private let hub: BrokerHub
    private let engine: MPIEngineReference
    private let logger: Logger
    var kind: TransportKind { .mpi }
    var workerID: WorkerID { link.workerID }
    var workerCount: Int { link.workerCount }
    var hostName: String { link.hostName }

    init(link: LocalNodeLink, hub: BrokerHub, engine: MPIEngineReference, logger: Logger) {
        self.link = link
        self.hub = hub
        self.engine = engine
        self.logger = logger
    }

    func start(delegate: any NodeTransportDelegate) async throws { try await link.start(delegate: delegate) }
    func send(_ envelope: Envelope) { link.send(envelope) }
    /// Ends the run: every rank must have joined, and the hub must have
    /// handed the shutdown for every rank to the engine, before MPI is
    /// finalized, or a rank would wait forever.
    func shutdown() async {
        if !(await hub.waitForMembers(workerCount, timeout: .seconds(60))) {
            logger.error("not every rank joined the pool within 60 s; finalizing anyway")
        }
        // Another thread may still be delivering the shutdown broadcast (or
        // a late rank's welcome and shutdown): the engine drops what it is
        // handed after it stops.
        await hub.flush()
        // Work still queued or running when the run ends: a body that did
        // not await everything, or a stall (what each rank was owed).
        if let outstanding = hub.outstandingWork { logger.info("broker at shutdown: \(outstanding)") }
        await link.shutdown()
        engine.shutdown()
    }
}

/// The engine, set once it has started (the message handler is created before it).
final class MPIEngineReference: Sendable {
    private let engine = Mutex<MPIProgressEngine?>(nil)
    private let finished = Mutex(false)

    func set(_ value: MPIProgressEngine) { engine.withLock { $0 = value } }

    func send(_ bytes: [UInt8], to rank: Int) {
        engine.withLock { $0 }?.send(bytes, to: rank, tag: MPITransport.envelopeTag)
    }

    /// Finalizes MPI once (every rank must, or mpirun reports a failure).
    func shutdown() {
        let first = finished.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { engine.withLock { $0 }?.shutdown() }
    }
}
