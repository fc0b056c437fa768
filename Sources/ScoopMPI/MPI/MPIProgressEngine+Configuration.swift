extension MPIProgressEngine {
    /// Tuning of the progress engine; the defaults suit a full node where
    /// every core belongs to a worker.
    ///
    /// ```swift
    /// var configuration = MPIProgressEngine.Configuration()
    /// configuration.maxIdleSleep = .microseconds(500)  // lower wake-up latency, a bit more idle CPU
    /// let engine = try MPIProgressEngine.start(configuration: configuration) { _, _, _ in }
    /// ```
    public struct Configuration: Sendable {
        /// The thread level requested from `MPI_Init_thread`. The engine calls
        /// MPI from one thread only, so `.funneled` suffices.
        public var threadLevel: MPIThreadLevel = .funneled
        /// Payloads longer than this travel as a header and parts of at most
        /// this many bytes (see `docs/mpi.md`). 1 GiB; at most `Int32.max`.
        public var maxPartSize: Int = 1 << 30
        /// How long the progress thread keeps polling without sleeping after
        /// the last activity.
        public var spinDuration: Duration = .microseconds(100)
        /// The longest the spin window grows to while messages come and go
        /// at a steady rhythm (request–reply exchanges); see `MPIBackoff`.
        public var maxSpinDuration: Duration = .milliseconds(4)
        /// The first sleep after the spin window; sleeps double from here.
        public var minSleep: Duration = .microseconds(10)
        /// The longest sleep of an idle rank: the worst extra latency of the
        /// first message to arrive after a quiet spell.
        public var maxIdleSleep: Duration = .milliseconds(1)
        /// The longest sleep while the rank has seen traffic within
        /// `activityWindow`: during a run, a worker's request or result
        /// waits at most this long for a rank busy computing (a 1 ms cap
        /// there cost W7 on MPI about 10 points of efficiency).
        public var maxSleepAfterActivity: Duration = .microseconds(100)
        /// How long after its last message a rank still counts as active
        /// (then sleeps grow to `maxIdleSleep`, so a quiet rank costs little).
        public var activityWindow: Duration = .milliseconds(50)
        /// The longest sleep while sends are still outstanding.
        public var maxSleepWithPendingSends: Duration = .microseconds(100)
        /// The time slice the progress thread asks of the scheduler (see
        /// `ShortTimeSlice`): short, so that it runs soon after it wakes on a
        /// core busy with compute.
        public var progressTimeSlice: Duration = .microseconds(100)
        /// How long `shutdown()` lets outstanding sends complete before it
        /// finalises anyway.
        public var shutdownDrainTimeout: Duration = .seconds(10)
        /// OpenMPI MCA parameters set (as `OMPI_MCA_<name>` environment
        /// variables, before `MPI_Init_thread`) unless already set by the
        /// user or `mpirun --mca`. By default `mpi_yield_when_idle=1`: the few
        /// blocking MPI calls (receiving a large message, `MPI_Finalize`)
        /// yield the core instead of busy-polling.
        public var mcaDefaults: [String: String] = ["mpi_yield_when_idle": "1"]

        /// The defaults.
        public init() {}
    }

    /// Message counters since `start`.
    ///
    /// ```swift
    /// let dropped = engine.statistics.messagesDropped
    /// ```
    public struct Statistics: Sendable, Equatable {
        /// Payloads handed to MPI (a framed payload counts once).
        public var messagesSent: Int
        /// Payloads delivered to `onMessage`.
        public var messagesReceived: Int
        /// Payloads dropped: malformed frames, stray parts, failed sends and
        /// receives, sends queued after `shutdown()`.
        public var messagesDropped: Int
    }
}
