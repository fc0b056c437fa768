import Logging
import ScoopCore
import Synchronization

/// A worker rank's link to rank 0 (the origin, which also runs the broker's
/// scheduling): envelopes travel as MPI messages on ``MPITransport/envelopeTag``.
///
/// Threading: see ``NodeTransport``. Envelopes are delivered on the MPI
/// progress thread, one at a time, in the order rank 0 sent them.
final class MPIWorkerLink: NodeTransport {
    let kind = TransportKind.mpi
    let workerID: WorkerID
    let workerCount: Int
    let hostName: String
    private let engine: MPIEngineReference
    private let logger: Logger

    private struct State {
        var delegate: (any NodeTransportDelegate)?
        var closed = false
    }
    private let state = Mutex(State())
    private let handshake = JoinHandshake()

    init(engine: MPIEngineReference, rank: Int, size: Int, hostName: String, logger: Logger) {
        self.engine = engine
        self.workerID = WorkerID(rank)
        self.workerCount = size
        self.hostName = hostName
        self.logger = logger
    }

    func start(delegate: any NodeTransportDelegate) async throws {
        state.withLock { $0.delegate = delegate }
        let request = JoinRequest(build: BuildIdentity.current, workerID: workerID.rawValue, host: hostName,
                                  processID: getProcessID(), slots: 1)
        let payload = try PayloadCodec.encode(request)
        try await handshake.perform {
            send(Envelope(kind: .join, source: workerID, target: .broker, payload: payload))
        }
    }

    func send(_ envelope: Envelope) {
        engine.send(envelope.encoded(), to: 0)
    }

    /// One MPI message for all of them (rank 0 unpacks every message).
    func send(_ envelopes: [Envelope]) {
        guard !envelopes.isEmpty else { return }
        engine.send(EnvelopePacker.frame(of: envelopes), to: 0)
    }

    func shutdown() async {
        let first = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        if first { engine.shutdown() }
    }

    /// Called by the engine's message handler (progress thread) with bytes from rank 0.
    func received(_ bytes: [UInt8]) {
        let envelopes: [Envelope]
        do {
            envelopes = try bytes.withUnsafeBytes { try Envelope.decodeAll($0) }
        } catch {
            logger.warning("dropped an unreadable message from rank 0: \(error)")
            return
        }
        for envelope in envelopes {
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
}

#if canImport(Glibc)
import Glibc
private func getProcessID() -> Int32 { getpid() }
#else
private func getProcessID() -> Int32 { 0 }
#endif
