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
    /// `SCOOP_WORKER_ID` and `SCOOP_WORKER_COUNT` say where it belongs;
    /// `SCOOP_CURVE_SERVER_KEY` and `SCOOP_CURVE_SECRET_KEY` (or
    /// `SCOOP_CURVE_KEY_FILE`) are its CURVE keys when the broker requires them.
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
        let curve: CurveClientKeys?
        do {
            curve = try CurveEnvironment.clientKeys(from: environment.variables)
        } catch {
            throw ScoopError.invalidArgument("cannot use this process's CURVE keys: \(error)")
        }
        let maximumMessageSize: Int
        do {
            maximumMessageSize = try MessageSizeLimit.fromEnvironment(environment.variables)
        } catch {
            throw ScoopError.invalidArgument(error.description)
        }
        let heartbeat: Heartbeat
        do {
            heartbeat = try Heartbeat.fromEnvironment(environment.variables)
        } catch {
            throw ScoopError.invalidArgument(error.description)
        }
        let workerID = WorkerID(rawValue: id)
        var logger = logger
        logger[metadataKey: "worker"] = "\(id)@\(environment.hostName)"
        let transport = ZeroMQNodeTransport(
            brokerEndpoint: broker, workerID: workerID, workerCount: count, hostName: environment.hostName,
            heartbeat: heartbeat, curve: curve,
            maximumMessageSize: maximumMessageSize, logger: logger)
        // Traced: events go to the broker; the launcher writes the file.
        let tracing = ProcessTracing.requestedPath(environment).map { _ in
            ProcessTracing(role: .ship, hostName: environment.hostName, printsSummary: false)
        }
        let progress = MapProgress.make(environment: environment, transport: transport, workerID: workerID)
        return try await joinedNode(transport, registry: registry, options: options, logger: logger, tracing: tracing,
                                    progress: progress)
        #else
        throw ScoopError.invalidArgument("this program was started by `scoop run` (SCOOP_BROKER is set), but it was built without the ZeroMQ trait")
        #endif
    }

    /// A rank of `mpirun`/`srun`: rank 0 is the origin and schedules; the others are workers.
    static func startMPI(registry: Registry, options: PoolOptions, environment: ProcessEnvironment,
                         logger: Logger) async throws -> Node {
        #if MPI
        // Traced: rank 0 collects every rank's events and writes the file.
        let path = ProcessTracing.requestedPath(environment)
        let summary = try printsSummary(environment)
        let rankZeroTracing = path.map {
            ProcessTracing(role: .collect(path: $0), hostName: environment.hostName, printsSummary: summary)
        }
        // Read on every rank, so that a bad value ends each with the same message.
        let retryLimit = try maxWorkerLosses(options, environment)
        let (transport, rank, _) = try MPITransport.start(hostName: environment.hostName, maxWorkerLosses: retryLimit,
                                                          logger: logger) { hub in
            rankZeroTracing?.collect(through: hub)
        }
        var logger = logger
        logger[metadataKey: "worker"] = "\(rank)@\(environment.hostName)"
        let tracing = rank == 0 ? rankZeroTracing : path.map { _ in
            ProcessTracing(role: .ship, hostName: environment.hostName, printsSummary: false)
        }
        return try await joinedNode(transport, registry: registry, options: options, logger: logger, tracing: tracing)
        #else
        throw ScoopError.invalidArgument("this program was started by mpirun, but it was built without the MPI trait")
        #endif
    }

    /// A one-slot node on `transport`, joined to the pool and asking for work.
    static func joinedNode(_ transport: any NodeTransport, registry: Registry, options: PoolOptions,
                           logger: Logger, tracing: ProcessTracing? = nil, progress: MapProgress? = nil) async throws -> Node {
        let node = Node(workerID: transport.workerID, slots: 1, transportKind: transport.kind,
                        hostName: transport.hostName, registry: registry, options: options,
                        transport: transport, trace: tracing, progress: progress, logger: logger)
        try await transport.start(delegate: node)
        if tracing?.role == .ship { tracing?.startShipping(from: node) }
        node.requestWorkIfIdle()
        return node
    }

    /// Several nodes in this process, linked through an in-process broker:
    /// the multi-process protocol without processes (tests, debugging).
    static func startInMemory(processes: Int, registry: Registry, options: PoolOptions,
                              environment: ProcessEnvironment, logger: Logger) async throws -> Node {
        guard processes >= 1 else {
            throw ScoopError.invalidArgument("PoolOptions.simulatedProcesses must be at least 1 (got \(processes))")
        }
        let hub = BrokerHub(workerCount: processes, maxWorkerLosses: try maxWorkerLosses(options, environment), logger: logger)
        let path = ProcessTracing.requestedPath(environment)
        let summary = try printsSummary(environment)
        var nodes: [Node] = []
        for index in 0..<processes {
            let link = LocalNodeLink(hub: hub, workerID: WorkerID(index), workerCount: processes,
                                     kind: .inMemory, hostName: environment.hostName)
            // Traced: node 0 collects (as MPI's rank 0 does); the others ship through the hub.
            let tracing = path.map {
                ProcessTracing(role: index == 0 ? .collect(path: $0) : .ship, hostName: environment.hostName,
                               printsSummary: index == 0 && summary)
            }
            if index == 0 { tracing?.collect(through: hub) }
            nodes.append(try await joinedNode(link, registry: registry, options: options, logger: logger, tracing: tracing))
        }
        for node in nodes.dropFirst() {
            Task {
                _ = await node.waitForShutdown()
                node.tracing?.finishWorker(node)
                await node.transport?.shutdown()
            }
        }
        return nodes[0]
    }
}
