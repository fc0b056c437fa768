#if canImport(Glibc)
import Glibc
#endif
import Logging
import ScoopCore

/// Picks the transport from how the process was started and builds its node.
enum Launch {
    static func makeNode(registry: Registry, options: PoolOptions, environment: ProcessEnvironment) async throws -> Node {
        let level = try logLevel(options, environment)
        LoggingSetup.bootstrapOnce(level: level)
        var options = options
        options.lookahead = try lookahead(options, environment)
        // One logger per subsystem; the transports tag it with worker@host once they know the id.
        let subsystem = environment["SCOOP_BROKER"] != nil ? "worker"
            : MPIDetection.isUnderMPI(environment.variables) ? "mpi"
            : options.simulatedProcesses != nil ? "simulated" : "threads"
        var logger = Logger(label: "scoop." + subsystem)
        logger.logLevel = level
        logger[metadataKey: "worker"] = "0@\(environment.hostName)"

        if environment["SCOOP_BROKER"] != nil {
            return try await startZeroMQ(registry: registry, options: options, environment: environment, logger: logger)
        }
        if MPIDetection.isUnderMPI(environment.variables) {
            return try await startMPI(registry: registry, options: options, environment: environment, logger: logger)
        }
        if let processes = options.simulatedProcesses {
            return try await startInMemory(processes: processes, registry: registry, options: options,
                                           environment: environment, logger: logger)
        }
        return try startThreads(registry: registry, options: options, environment: environment, logger: logger)
    }

    /// Whether a launcher started this process (it is part of a multi-process pool).
    static func wasLaunched(_ environment: ProcessEnvironment) -> Bool {
        environment["SCOOP_BROKER"] != nil || MPIDetection.isUnderMPI(environment.variables)
    }

    /// Writes a last message to standard error (the logger may not be set up yet).
    static func reportFatal(_ message: String) {
        let line = "scoop: error: " + message + "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { buffer in
            write(2, buffer.baseAddress, buffer.count - 1)
        }
    }

    /// The lookahead per slot: `SCOOP_LOOKAHEAD`, else the option; a whole
    /// number from 0 to ``PoolOptions/maximumLookahead``.
    static func lookahead(_ options: PoolOptions, _ environment: ProcessEnvironment) throws -> Int? {
        let range = 0...PoolOptions.maximumLookahead
        if let text = environment["SCOOP_LOOKAHEAD"] {
            guard let value = Int(text), range.contains(value) else {
                throw ScoopError.invalidArgument("SCOOP_LOOKAHEAD must be a whole number of futures per slot from 0 to \(range.upperBound) (got '\(text)')")
            }
            return value
        }
        if let value = options.lookahead, !range.contains(value) {
            throw ScoopError.invalidArgument("PoolOptions.lookahead must be from 0 to \(range.upperBound) (got \(value))")
        }
        return options.lookahead
    }

    /// The retry limit of a broker this process hosts (simulated processes, MPI's rank 0):
    /// `SCOOP_MAX_WORKER_LOSSES`, else the option, else the default; at least 1.
    static func maxWorkerLosses(_ options: PoolOptions, _ environment: ProcessEnvironment) throws -> Int {
        if let text = environment["SCOOP_MAX_WORKER_LOSSES"] {
            guard let value = Int(text), value >= 1 else {
                throw ScoopError.invalidArgument("SCOOP_MAX_WORKER_LOSSES must be a whole number of at least 1 (got '\(text)')")
            }
            return value
        }
        if let value = options.maxWorkerLosses, value < 1 {
            throw ScoopError.invalidArgument("PoolOptions.maxWorkerLosses must be at least 1 (got \(value))")
        }
        return options.maxWorkerLosses ?? BrokerCore.defaultMaxWorkerLosses
    }

    /// `SCOOP_LOG_LEVEL` (any case), else the option; a misspelt level is
    /// refused rather than ignored (the user asked for messages).
    static func logLevel(_ options: PoolOptions, _ environment: ProcessEnvironment) throws -> Logger.Level {
        guard let text = environment["SCOOP_LOG_LEVEL"] else { return options.logLevel }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let known = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ScoopError.invalidArgument("SCOOP_LOG_LEVEL must be one of \(known) (got '\(text)')")
        }
        return level
    }

    static func startThreads(registry: Registry, options: PoolOptions, environment: ProcessEnvironment,
                             logger: Logger) throws -> Node {
        var workers = options.workers ?? environment.cores
        if let text = environment["SCOOP_WORKERS"] {
            guard let value = Int(text), value > 0 else {
                throw ScoopError.invalidArgument("SCOOP_WORKERS must be a positive integer (got '\(text)')")
            }
            workers = value
        }
        guard workers > 0 else {
            throw ScoopError.invalidArgument("PoolOptions.workers must be at least 1 (got \(workers))")
        }
        var options = options
        if try flag("SCOOP_CHECK_CODEC", environment) == true {
            options.checkCodec = true
        }
        let summary = try printsSummary(environment)
        let tracing = ProcessTracing.requestedPath(environment).map {
            ProcessTracing(role: .collect(path: $0), hostName: environment.hostName, printsSummary: summary)
        }
        let node = Node(workerID: .origin, slots: workers, transportKind: .threads,
                        hostName: environment.hostName, registry: registry, options: options, transport: nil,
                        trace: tracing, progress: MapProgress.make(environment: environment, transport: nil, workerID: .origin),
                        logger: logger)
        // The sampler holds the node until the trace is finished (`finishOrigin`
        // stops it); a weak reference would slow every retain of the node.
        tracing?.startSamplingQueue { node.queuedCount }
        return node
    }

    /// Whether the process that writes the trace also prints the run summary (`SCOOP_SUMMARY=1`).
    static func printsSummary(_ environment: ProcessEnvironment) throws -> Bool {
        try flag("SCOOP_SUMMARY", environment) ?? false
    }

    /// A yes-or-no `SCOOP_*` variable (``EnvironmentFlag``), nil when unset;
    /// an unreadable value is refused, not read as off.
    static func flag(_ name: String, _ environment: ProcessEnvironment) throws -> Bool? {
        do {
            return try EnvironmentFlag.value(of: name, in: environment.variables)
        } catch {
            throw ScoopError.invalidArgument(error.description)
        }
    }
}

/// Recognises a process started by `mpirun`/`srun` (OpenMPI, MPICH/PMI, PMIx).
enum MPIDetection {
    static func isUnderMPI(_ variables: [String: String]) -> Bool {
        ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"].contains { variables[$0] != nil }
    }
}
