import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One rank's connection to MPI: a dedicated OS thread that makes every MPI
/// call, bridged to the rest of the process by a thread-safe queue and a
/// callback.
///
/// Threading contract:
/// - `start` runs `MPI_Init_thread` (requesting `MPI_THREAD_FUNNELED`) on the
///   new progress thread and returns once it is done; that thread alone calls
///   MPI from then on, until `MPI_Finalize` in `shutdown()`.
/// - `send` may be called from any thread or task, including from inside
///   `onMessage`; it never blocks and never calls MPI.
/// - `onMessage` runs on the progress thread, one message at a time, in
///   arrival order per source (MPI's non-overtaking rule). It must return
///   quickly (hand the bytes on, e.g. to an `AsyncStream`) and must not wait
///   for other MPI traffic: nothing moves while it runs.
/// - While idle the thread backs off to sleeps of `Configuration.maxIdleSleep`
///   (1 ms), so it costs well under 1 % of a core; a queued send wakes it at
///   once, but a message arriving at an idle rank waits up to that long.
///
/// ```swift
/// let engine = try MPIProgressEngine.start { source, tag, bytes in
///     print("rank \(source) sent \(bytes.count) bytes with tag \(tag)")
/// }
/// if engine.rank == 0 { engine.send(Array("hello".utf8), to: 1, tag: 1) }
/// engine.shutdown()  // every rank: drains sends, then MPI_Finalize
/// ```
public final class MPIProgressEngine: Sendable {
    /// Receives each payload: the sender's rank, the tag it used, the bytes.
    public typealias MessageHandler = @Sendable (_ source: Int, _ tag: Int32, _ bytes: [UInt8]) -> Void

    /// The largest tag `send` accepts (tags `32766...32767` frame large payloads).
    public static let maxTag: Int32 = MPIFraming.maxUserTag

    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The number of ranks in `MPI_COMM_WORLD`.
    public let size: Int
    /// `MPI_Get_processor_name`, usually the host name.
    public let processorName: String
    /// The thread level `MPI_Init_thread` provided.
    public let providedThreadLevel: MPIThreadLevel
    /// Payloads longer than this are framed as a header and parts.
    public let maxPartSize: Int

    private let outbox: MPIOutbox
    private let finished: MPIOneShot<Bool>
    private let counters: MPIEngineCounters
    private let progressThreadID: UInt64
    private let isShutDown = Mutex<Bool>(false)

    private static let hasStarted = Atomic<Bool>(false)
    private static let logger = Logger(label: "scoop.mpi")

    /// Starts the progress thread and initialises MPI on it; call once per
    /// process. Blocks the caller until `MPI_Init_thread` returns.
    ///
    /// ```swift
    /// let engine = try MPIProgressEngine.start { source, tag, bytes in inbox.yield((source, tag, bytes)) }
    /// ```
    public static func start(
        configuration: Configuration = Configuration(),
        onMessage: @escaping MessageHandler
    ) throws(MPIError) -> MPIProgressEngine {
        precondition(
            (1...Int(Int32.max)).contains(configuration.maxPartSize),
            "maxPartSize must be in 1...Int32.max"
        )
        guard hasStarted.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            throw MPIError(call: "MPI_Init_thread", code: -1, message: "MPI can be initialised only once per process")
        }
        for (name, value) in configuration.mcaDefaults {
            setenv("OMPI_MCA_\(name)", value, 0)
        }
        let outbox = MPIOutbox()
        let counters = MPIEngineCounters()
        let started = MPIOneShot<Result<MPIWorldInfo, MPIError>>()
        let finished = MPIOneShot<Bool>()
        try MPIProgressThread.spawn {
            MPIProgressLoop.run(
                configuration: configuration, outbox: outbox, counters: counters,
                onMessage: onMessage, started: started, finished: finished
            )
        }
        let world = try started.wait().get()
        return MPIProgressEngine(
            world: world, maxPartSize: configuration.maxPartSize,
            outbox: outbox, finished: finished, counters: counters
        )
    }

    private init(
        world: MPIWorldInfo, maxPartSize: Int,
        outbox: MPIOutbox, finished: MPIOneShot<Bool>, counters: MPIEngineCounters
    ) {
        rank = world.rank
        size = world.size
        processorName = world.processorName
        providedThreadLevel = world.providedThreadLevel
        progressThreadID = world.progressThreadID
        self.maxPartSize = maxPartSize
        self.outbox = outbox
        self.finished = finished
        self.counters = counters
    }

    /// Thread-safe, non-blocking: queues a message; the progress thread posts
    /// the isend and keeps the buffer alive until it completes. Payloads of
    /// any length; those over `maxPartSize` are framed transparently.
    /// Messages queued after `shutdown()` are dropped (and counted).
    ///
    /// ```swift
    /// engine.send([1, 2, 3], to: 0, tag: 5)
    /// ```
    public func send(_ bytes: [UInt8], to rank: Int, tag: Int32) {
        send(bytes, to: rank, tag: tag, maxPartSize: maxPartSize)
    }

    /// `send` with a one-off part size, to exercise multi-part framing with
    /// small payloads in tests.
    @_spi(Testing)
    public func send(_ bytes: [UInt8], to rank: Int, tag: Int32, maxPartSize: Int) {
        precondition((0..<size).contains(rank), "rank \(rank) is outside 0..<\(size)")
        precondition((0...Self.maxTag).contains(tag), "tag \(tag) is outside 0...\(Self.maxTag)")
        precondition((1...Int(Int32.max)).contains(maxPartSize), "maxPartSize must be in 1...Int32.max")
        let message = MPIOutgoingMessage(bytes: bytes, destination: Int32(rank), tag: tag, maxPartSize: maxPartSize)
        if !outbox.post(message) { counters.countDropped() }
    }

    /// Stops: drains pending sends (bounded by
    /// `Configuration.shutdownDrainTimeout`), then `MPI_Finalize` on the
    /// progress thread; returns when that thread has finished. Every rank must
    /// call it (`MPI_Finalize` synchronises them). Idempotent; must not be
    /// called from `onMessage`.
    ///
    /// ```swift
    /// engine.shutdown()
    /// ```
    public func shutdown() {
        precondition(!isOnProgressThread, "shutdown() from onMessage would wait for itself")
        isShutDown.withLock { isShutDown in
            guard !isShutDown else { return }
            outbox.requestStop()
            _ = finished.wait()
            isShutDown = true
        }
    }

    /// `MPI_Abort`: the launcher kills every rank of the job, which exits with
    /// `code`. Callable from any thread; the call is made on the progress
    /// thread, or from the caller if that thread does not respond within 5 s.
    ///
    /// ```swift
    /// engine.abort(code: 3)
    /// ```
    public func abort(code: Int32) -> Never {
        if isOnProgressThread { MPI.abort(code: code) }
        if finished.wait(nanoseconds: 0) != nil { exit(code) }  // already finalised
        outbox.requestAbort(code: code)
        if finished.wait(nanoseconds: 5_000_000_000) != nil { exit(code) }
        Self.logger.critical("MPI progress thread unresponsive; calling MPI_Abort from another thread")
        MPI.abort(code: code)
    }

    /// Counters of sent, received and dropped payloads.
    public var statistics: Statistics { counters.snapshot }

    private var isOnProgressThread: Bool {
        MPIProgressThread.currentThreadID() == progressThreadID
    }
}

/// What the progress thread learns from MPI at start-up.
struct MPIWorldInfo: Sendable {
    var rank: Int
    var size: Int
    var processorName: String
    var providedThreadLevel: MPIThreadLevel
    var progressThreadID: UInt64
}
