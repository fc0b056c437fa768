import Logging
import ScoopCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The body of the progress thread: initialise MPI, then post queued sends,
/// receive arrived messages and complete sends, sleeping adaptively when there
/// is nothing to do; on stop, drain and finalise.
///
/// Single-thread contract: created, used and dropped on the progress thread
/// only, so it is not `Sendable` and needs no locks.
///
/// ```swift
/// MPIProgressLoop.run(configuration: configuration, outbox: outbox, counters: counters,
///                     onMessage: onMessage, started: started, finished: finished)
/// ```
final class MPIProgressLoop {
    let configuration: MPIProgressEngine.Configuration
    let outbox: MPIOutbox
    let counters: MPIEngineCounters
    let onMessage: MPIProgressEngine.MessageHandler
    var logger: Logger
    /// Sends in flight, each keeping its bytes alive.
    var pendingSends = MPIPendingRequests<[UInt8]>()
    var backoff: MPIBackoff

    /// How many messages one pass receives before it looks at the outbox again.
    static let receivesPerPass = 64

    /// Runs the whole life of the progress thread.
    static func run(
        configuration: MPIProgressEngine.Configuration,
        outbox: MPIOutbox,
        counters: MPIEngineCounters,
        onMessage: @escaping MPIProgressEngine.MessageHandler,
        started: MPIOneShot<Result<MPIWorldInfo, MPIError>>,
        finished: MPIOneShot<Bool>
    ) {
        var logger = Logger(label: "scoop.mpi")
        let world: MPIWorldInfo
        do {
            world = try initialize(requesting: configuration.threadLevel, logger: logger)
        } catch {
            outbox.close()
            started.fulfil(.failure(error))
            finished.fulfil(true)
            return
        }
        MPIProgressThread.nameCurrentThread("scoop-mpi")
        logger[metadataKey: "mpi.rank"] = "\(world.rank)"
        // mpirun binds a rank to one core, which this thread shares with the
        // rank's compute: without a short slice, a message waits up to the
        // compute thread's whole slice (milliseconds) for this thread to run.
        if let refused = ShortTimeSlice.request(configuration.progressTimeSlice) {
            logger.debug("progress thread keeps the default time slice (\(refused))")
        }
        started.fulfil(.success(world))

        let loop = MPIProgressLoop(
            configuration: configuration, outbox: outbox, counters: counters,
            onMessage: onMessage, logger: logger
        )
        loop.runUntilStopped()
        outbox.close()
        do {
            try MPI.finalize()
        } catch {
            logger.error("\(error)")
        }
        finished.fulfil(true)
    }

    private static func initialize(requesting level: MPIThreadLevel, logger: Logger) throws(MPIError) -> MPIWorldInfo {
        let provided = try MPI.initialize(requesting: level)
        if provided < .funneled {
            logger.warning("MPI provides only \(provided); the progress engine needs MPI_THREAD_FUNNELED")
        }
        let tagUpperBound = try MPI.tagUpperBound()
        guard tagUpperBound >= MPIFraming.headerTag else {
            throw MPIError(call: "MPI_Comm_get_attr(MPI_TAG_UB)", code: -1,
                           message: "tag upper bound \(tagUpperBound) is below MPI's guaranteed 32767")
        }
        return MPIWorldInfo(
            rank: try MPI.rank(), size: try MPI.size(), processorName: try MPI.processorName(),
            providedThreadLevel: provided, progressThreadID: MPIProgressThread.currentThreadID()
        )
    }

    private init(
        configuration: MPIProgressEngine.Configuration, outbox: MPIOutbox, counters: MPIEngineCounters,
        onMessage: @escaping MPIProgressEngine.MessageHandler, logger: Logger
    ) {
        self.configuration = configuration
        self.outbox = outbox
        self.counters = counters
        self.onMessage = onMessage
        self.logger = logger
        self.backoff = MPIBackoff(configuration: configuration)
    }

    /// Polls until a stop was requested and every send completed (or the
    /// drain timed out).
    private func runUntilStopped() {
        var drainDeadline: UInt64?
        backoff.noteActivity(at: MonotonicClock.nanoseconds)
        while true {
            let batch = outbox.take()
            if let code = batch.abortCode {
                logger.critical("MPI_Abort(\(code)) requested")
                MPI.abort(code: code)
            }
            var isActive = !batch.messages.isEmpty
            for message in batch.messages { post(message) }
            if receiveArrivedMessages() { isActive = true }
            if completeSends() { isActive = true }

            let now = MonotonicClock.nanoseconds
            if batch.stopRequested {
                let deadline = drainDeadline ?? now &+ configuration.shutdownDrainTimeout.nanoseconds
                drainDeadline = deadline
                if pendingSends.isEmpty { return }
                if now >= deadline {
                    logger.warning("finalising with \(pendingSends.count) sends still in flight after the drain timeout")
                    return
                }
            }
            if isActive {
                backoff.noteActivity(at: now)
            } else if let sleep = backoff.sleepAfterIdlePoll(at: now, hasPendingSends: !pendingSends.isEmpty) {
                outbox.sleep(nanoseconds: sleep)
            } else {
                // Spinning: let a runnable thread of this core go first (the
                // rank's own compute thread, or another rank when cores are
                // oversubscribed), or a spin would hold the core for a whole
                // scheduler time slice (milliseconds) while the work that
                // would send the awaited reply waits.
                sched_yield()
            }
        }
    }

    /// Posts the isends of one payload: one message, or a header and parts.
    private func post(_ message: MPIOutgoingMessage) {
        let bytes = message.bytes
        // The array's storage is one heap buffer that stays put while
        // `pendingSends` holds the array and nobody mutates it (a mutation
        // elsewhere copies first); on Linux every [UInt8] is a native array.
        let base = bytes.withUnsafeBytes { $0 }
        do {
            if !MPIFraming.needsFraming(length: bytes.count, maxPartSize: message.maxPartSize) {
                let request = try MPI.isend(base, to: message.destination, tag: message.tag)
                pendingSends.append(request, keepingAlive: bytes)
            } else {
                let header = MPIFraming.Header(tag: message.tag, totalLength: bytes.count).encoded()
                let headerRequest = try header.withUnsafeBytes { headerBytes throws(MPIError) in
                    try MPI.isend(headerBytes, to: message.destination, tag: MPIFraming.headerTag)
                }
                pendingSends.append(headerRequest, keepingAlive: header)
                for range in MPIFraming.partRanges(totalLength: bytes.count, maxPartSize: message.maxPartSize) {
                    let part = UnsafeRawBufferPointer(rebasing: base[range])
                    let request = try MPI.isend(part, to: message.destination, tag: MPIFraming.partTag)
                    pendingSends.append(request, keepingAlive: bytes)
                }
            }
            counters.countSent()
        } catch {
            counters.countDropped()
            logger.error("dropped a \(bytes.count)-byte message to rank \(message.destination): \(error)")
        }
    }

    /// `MPI_Testsome` over the sends in flight; whether any completed.
    private func completeSends() -> Bool {
        do {
            return try !pendingSends.testSome().isEmpty
        } catch {
            logger.error("\(error)")
            return false
        }
    }

    /// Hands a payload to the owner of the engine.
    func deliver(from source: Int32, tag: Int32, _ bytes: [UInt8]) {
        counters.countReceived()
        onMessage(Int(source), tag, bytes)
    }
}
