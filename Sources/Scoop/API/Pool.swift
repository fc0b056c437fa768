import Logging
import ScoopCore

#if canImport(Glibc)
import Glibc
#endif

/// The entry point and the facts of the running pool.
///
/// Call ``run(functions:options:body:)`` once from `main`. The same program
/// runs in every process: on the origin it runs `body`; on a worker it serves
/// futures until the origin finishes, then exits, never running `body`.
///
/// ```swift
/// let hello = TaskFunction("hello") { (n: Int) in "Hello World from Future #\(n)" }
///
/// try await Pool.run(functions: [hello]) {
///     for line in try await Futures.map(hello, Array(0..<16)) { print(line) }
/// }
/// ```
///
/// The transport is chosen by how the program was started: by `scoop run`
/// (ZeroMQ), by `mpirun` (MPI), or directly (threads, one worker per core).
public enum Pool {
    /// Starts the runtime, runs `body` on the origin, and shuts the pool down.
    ///
    /// On a worker process this call serves futures and then ends the process
    /// (exit status 0 on a clean shutdown, 1 if the pool was lost).
    @discardableResult
    public static func run<T>(
        functions: [any RegisteredFunction],
        options: PoolOptions = PoolOptions(),
        body: () async throws -> T
    ) async throws -> T {
        let registry = try Registry(functions)
        let environment = ProcessEnvironment.current
        let node: Node
        do {
            node = try await Launch.makeNode(registry: registry, options: options, environment: environment)
        } catch where Launch.wasLaunched(environment) {
            // Started by `scoop run` or `mpirun`: say why this process cannot
            // join and end it, rather than trap on an error thrown from `main`.
            let role = environment["SCOOP_WORKER_ID"].map { "worker \($0)" } ?? "this process"
            Launch.reportFatal("\(role) on \(environment.hostName) cannot join the pool: \(error)")
            exit(1)
        }
        guard node.workerID == .origin else {
            let lost = await node.waitForShutdown()
            node.tracing?.finishWorker(node)
            await node.transport?.shutdown()
            if let lost {
                node.logger.error("worker \(node.workerID.rawValue) on \(node.hostName): the pool is gone: \(lost)")
                exit(1)
            }
            exit(0)
        }
        RuntimeHolder.current = node
        defer { RuntimeHolder.current = nil }
        // This task runs the body: it alone runs deferred starts inline (see `Node.awaitChild`).
        withUnsafeCurrentTask { node.setBodyTask($0) }
        let outcome: Result<T, any Error>
        do {
            let value = try await TaskContext.$current.withValue(TaskContext(node: node, future: .none, slot: nil)) {
                try await body()
            }
            outcome = .success(value)
        } catch {
            outcome = .failure(error)
        }
        node.setBodyTask(nil)
        await node.shutdownPool(reason: nil)
        return try outcome.get()
    }

    /// Runs the pool as the whole program: like ``run(functions:options:body:)``,
    /// but an error that escapes — starting the pool, or from `body` — is
    /// printed as `scoop: error: …` on standard error and ends the process
    /// with status 1, where an error escaping a top-level `try await Pool.run`
    /// ends it with Swift's crash report (status 132). Never returns: the
    /// process exits with status 0 once the pool has shut down cleanly.
    ///
    /// ```swift
    /// await Pool.main(functions: [hello]) {
    ///     for line in try await Futures.map(hello, Array(0..<16)) { print(line) }
    /// }
    /// ```
    public static func main(
        functions: [any RegisteredFunction],
        options: PoolOptions = PoolOptions(),
        body: () async throws -> Void
    ) async -> Never {
        do {
            try await run(functions: functions, options: options, body: body)
        } catch {
            Launch.reportFatal("\(error)")
            exit(1)
        }
        exit(0)
    }

    /// Whether the pool is running in this process.
    public static var isRunning: Bool { currentNode != nil }

    /// Whether this process is the origin (runs the program's body). True
    /// when no pool runs: the program itself is the origin.
    public static var isOrigin: Bool { (currentNode?.workerID ?? .origin) == .origin }

    /// This process's worker id (the origin is 0). On the threads transport,
    /// inside a task: the id of the process (0), as every thread shares it.
    public static var workerID: WorkerID? { currentNode?.workerID }

    /// How many futures can run at once in the pool: workers on ZeroMQ and
    /// MPI (the origin counts as one), threads on the threads transport.
    public static var size: Int { currentNode?.poolSlots ?? 0 }

    /// The transport in use, or nil when no pool runs.
    public static var transport: TransportKind? { currentNode?.transportKind }

    /// The host this process runs on.
    public static var hostName: String? { currentNode?.hostName }

    /// This process's scheduling state on one line, for diagnosing a run
    /// that stalls: futures running, queued and sent away, and the work it
    /// has asked the broker for. Nil when no pool runs.
    ///
    /// ```swift
    /// print(Pool.stateDescription ?? "no pool")
    /// // worker 0: running 1/1, queued 0, asked 0 idle + 1 ahead, owes 0 shares; away 1, …
    /// ```
    public static var stateDescription: String? { currentNode?.stateDescription }

    private static var currentNode: Node? { TaskContext.current?.node ?? RuntimeHolder.current }
}

extension Node {
    /// The origin's body is done: stop every worker and close the transport.
    func shutdownPool(reason: String?) async {
        let sendShutdown: () -> Void = {
            self.transport?.send(Envelope(kind: .shutdown, source: self.workerID, target: .none,
                                          payload: Array((reason ?? "").utf8)))
        }
        if let tracing {
            await tracing.finishOrigin(self, sendShutdown: sendShutdown)
        } else {
            sendShutdown()
        }
        await transport?.shutdown()
    }
}
