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
    /// The retry limit of the broker this process hosts (simulated processes):
    /// a future in flight on this many lost workers fails with
    /// ``ScoopError/workersLost(function:future:workers:limit:)`` instead of
    /// being re-queued. Default 3, at least 1; `SCOOP_MAX_WORKER_LOSSES`
    /// overrides it (a value that is not a whole number of at least 1 is
    /// refused: `Pool.run` throws ``ScoopError/invalidArgument(_:)``).
    /// Under `scoop run` the broker lives in the launcher: use
    /// `scoop run --max-worker-losses N` (or the same variable) there.
    ///
    /// ```swift
    /// let options = PoolOptions(simulatedProcesses: 4, maxWorkerLosses: 1)
    /// ```
    public var maxWorkerLosses: Int?
    /// Futures per slot that a busy worker of a multi-process pool asks the
    /// broker for ahead and holds until a slot frees, so that it does not
    /// wait a round trip through the broker between futures. Default
    /// ``defaultLookahead`` (1); 0 asks only for idle slots; at most
    /// ``maximumLookahead``.
    /// `SCOOP_LOOKAHEAD` overrides it. A held future is never lost to an idle
    /// worker: when one idles, the broker asks the holder to give it back.
    /// No effect on the threads transport.
    ///
    /// ```swift
    /// let options = PoolOptions(lookahead: 0)  // every worker asks only when idle
    /// ```
    public var lookahead: Int?

    /// Futures per slot a busy worker holds ahead when ``lookahead`` is not set.
    public static let defaultLookahead = 1
    /// The largest ``lookahead`` accepted (more is refused with an error).
    public static let maximumLookahead = 1024

    public init(workers: Int? = nil, checkCodec: Bool = false, logLevel: Logger.Level = .warning,
                simulatedProcesses: Int? = nil, maxWorkerLosses: Int? = nil, lookahead: Int? = nil) {
        self.workers = workers
        self.checkCodec = checkCodec
        self.logLevel = logLevel
        self.simulatedProcesses = simulatedProcesses
        self.maxWorkerLosses = maxWorkerLosses
        self.lookahead = lookahead
    }
}
