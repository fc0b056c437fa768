import Logging

/// Settings for ``Pool/run(functions:options:body:)``. Most runs need none:
/// the transport and its size come from how the program was launched.
///
/// ```swift
/// try await Pool.run(functions: [square], options: PoolOptions(workers: 4, checkCodec: true)) { ... }
/// ```
public struct PoolOptions: Sendable {
    /// Worker threads of the threads transport. The environment variable
    /// `SCOOP_WORKERS` overrides it; by default, one per core.
    public var workers: Int?
    /// Send every argument, result and error of futures that run in the
    /// submitting process through the wire codec, as a cluster would, so that
    /// what runs on threads also runs on a cluster. `SCOOP_CHECK_CODEC=1`
    /// turns it on for the threads transport.
    public var checkCodec: Bool
    /// Log level of swift-scoop's own messages (`SCOOP_LOG_LEVEL` overrides it).
    public var logLevel: Logger.Level
    /// Runs the multi-process protocol (broker, join, spill, pull, results
    /// routed by id, every payload encoded) with this many nodes inside this
    /// process instead of threads: what a cluster does, testable anywhere.
    /// Ignored when the program was started by `scoop run` or `mpirun`.
    public var simulatedProcesses: Int?

    public init(workers: Int? = nil, checkCodec: Bool = false, logLevel: Logger.Level = .warning,
                simulatedProcesses: Int? = nil) {
        self.workers = workers
        self.checkCodec = checkCodec
        self.logLevel = logLevel
        self.simulatedProcesses = simulatedProcesses
    }
}
