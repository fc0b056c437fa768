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
    public static func start(hostName: String, logger: Logger) throws -> (transport: any NodeTransport, rank: Int, size: Int) {
        let reference = MPIEngineReference()
        let hub = Mutex<BrokerHub?>(nil)
        let workerLink = Mutex<MPIWorkerLink?>(nil)
        let engine = try MPIProgressEngine.start { source, tag, bytes in
            guard tag == envelopeTag else { return }
            if let hub = hub.withLock({ $0 }) {
                // Rank 0: a worker rank's envelopes go to the scheduler.
                guard let envelopes = try? bytes.withUnsafeBytes({ try Envelope.decodeAll($0) }) else {
                    logger.warning("dropped an unreadable message from rank \(source)")
                    return
                }
                for envelope in envelopes { hub.receive(envelope, from: WorkerID(source)) }
            } else {
                workerLink.withLock { $0 }?.received(bytes)
            }
        }
        reference.set(engine)
        let rank = engine.rank, size = engine.size
        var logger = logger
        logger[metadataKey: "rank"] = "\(rank)"
        if rank == 0 {
            let brokerHub = BrokerHub(workerCount: size, logger: logger)
            for worker in 1..<max(1, size) {
                brokerHub.attach(WorkerID(worker)) { envelope in reference.send(envelope.encoded(), to: worker) }
            }
            hub.withLock { $0 = brokerHub }
            let link = LocalNodeLink(hub: brokerHub, workerID: .origin, workerCount: size, kind: .mpi, hostName: hostName)
            return (RankZeroLink(link: link, engine: reference), rank, size)
        }
        let link = MPIWorkerLink(engine: reference, rank: rank, size: size, hostName: hostName, logger: logger)
        workerLink.withLock { $0 = link }
        return (link, rank, size)
    }
}

/// Rank 0's link: the in-process link to the scheduler, plus MPI's shutdown.
final class RankZeroLink: NodeTransport {
    private let link: LocalNodeLink
    private let engine: MPIEngineReference
    var kind: TransportKind { .mpi }
    var workerID: WorkerID { link.workerID }
    var workerCount: Int { link.workerCount }
    var hostName: String { link.hostName }

    init(link: LocalNodeLink, engine: MPIEngineReference) {
        self.link = link
        self.engine = engine
    }

    func start(delegate: any NodeTransportDelegate) async throws { try await link.start(delegate: delegate) }
    func send(_ envelope: Envelope) { link.send(envelope) }
    func shutdown() async {
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
