import Logging
import ScoopCore
#if ZeroMQ
import ScoopZeroMQ
#endif
#if MPI
import ScoopMPI
#endif

extension Launch {
    /// A process started by `scoop run` (or `scoop worker`): `SCOOP_BROKER`,
    /// `SCOOP_WORKER_ID` and `SCOOP_WORKER_COUNT` say where it belongs.
    static func startZeroMQ(registry: Registry, options: PoolOptions, environment: ProcessEnvironment,
                            logger: Logger) async throws -> Node {
        #if ZeroMQ
        guard let broker = environment["SCOOP_BROKER"], !broker.isEmpty else {
            throw ScoopError.invalidArgument("SCOOP_BROKER is empty")
        }
        guard let idText = environment["SCOOP_WORKER_ID"],
              let id = idText == "auto" ? UInt32.random(in: (1 << 20)..<(1 << 23)) : UInt32(idText) else {
            throw ScoopError.invalidArgument("SCOOP_BROKER is set but SCOOP_WORKER_ID is missing or not a number; start workers with `scoop run` or `scoop worker`")
        }
        let count = environment["SCOOP_WORKER_COUNT"].flatMap(Int.init) ?? 1
        let workerID = WorkerID(rawValue: id)
        var logger = logger
        logger[metadataKey: "worker"] = "\(id)@\(environment.hostName)"
        let transport = ZeroMQNodeTransport(
            brokerEndpoint: broker, workerID: workerID, workerCount: count, hostName: environment.hostName,
            heartbeat: Heartbeat.fromEnvironment(environment.variables), logger: logger)
        let node = Node(workerID: workerID, workerCount: count, slots: 1, transportKind: .zeromq,
                        hostName: environment.hostName, registry: registry, options: options,
                        transport: transport, trace: nil, logger: logger)
        try await transport.start(delegate: node)
        node.requestWorkIfIdle()
        return node
        #else
        throw ScoopError.invalidArgument("this program was started by `scoop run` (SCOOP_BROKER is set), but it was built without the ZeroMQ trait")
        #endif
    }

    static func startMPI(registry: Registry, options: PoolOptions, environment: ProcessEnvironment,
                         logger: Logger) async throws -> Node {
        throw ScoopError.invalidArgument("this program was started by mpirun, but the MPI transport is not built yet")
    }
}
