import Dispatch
import Foundation
import Logging
import ScoopCore
import ScoopLaunch
import ScoopZeroMQ
import Synchronization

/// One `scoop run`: starts the broker and every worker, forwards their
/// output, reacts to processes that end, and tears everything down.
///
/// Exit status: the origin's, 130/143 when interrupted. A worker that joined
/// the pool and then died (or was declared lost by heartbeat) does not fail
/// the run: its futures ran elsewhere, and it is logged with its id and host.
/// A worker that never joined (could not be started or reached) while the
/// origin succeeded makes the status 1, as the pool was not what was asked.
final class RunSession: Sendable {
    let plan: RunPlan
    let logger: Logger
    private let children = Mutex<[ChildProcess]>([])
    private let failures = Mutex<[String]>([])
    /// Workers lost during the run (they had joined), for the final log.
    private let lostWorkers = Mutex<[String]>([])
    private let ending = Mutex(false)
    /// The signal that interrupted the run, if one did.
    private let interruption = Mutex<Int32?>(nil)
    /// The broker's Unix socket for local workers, removed at the end (also when interrupted).
    private let localSocket = Mutex<LocalBrokerSocket?>(nil)

    init(plan: RunPlan, logger: Logger) {
        self.plan = plan
        self.logger = logger
    }

    func run() async throws -> Int32 {
        let heartbeat = plan.heartbeat
        let localProgram = plan.placements.first?.isLocal == true ? absolutePath(plan.program) : nil
        if let warning = plan.encryptionWarning { logger.warning("\(warning)") }
        // Fresh keys for this run only, kept in memory: never in a file, never on a command line.
        let keys: CurveRunKeys?
        do {
            keys = plan.usesCurve ? try CurveRunKeys.generate() : nil
        } catch {
            logger.error("cannot make this run's CURVE keys: \(error); to run without encryption anyway, pass --encryption never")
            return 1
        }
        var brokerLogger = Logger(label: "scoop.broker")
        brokerLogger.logLevel = logger.logLevel
        brokerLogger[metadataKey: "host"] = "\(LocalHost.hostname)"
        // Workers on this host reach the broker over a Unix socket (others over TCP).
        let socket = plan.placements.contains(where: \.isLocal)
            ? LocalBrokerSocket.make(environment: ProcessInfo.processInfo.environment) : nil
        localSocket.withLock { $0 = socket }
        defer { removeLocalSocket() }
        let broker = try ZeroMQBroker(bindTo: plan.bindAddress, localAddress: socket?.endpoint, workerCount: plan.workerCount,
                                      expectedBuild: localProgram.flatMap(BuildIdentity.ofExecutable(atPath:)),
                                      heartbeat: heartbeat, curve: keys?.server, maxWorkerLosses: plan.maxWorkerLosses,
                                      maxMessageSize: plan.maxMessageSize,
                                      logger: brokerLogger)
        defer { broker.stop() }
        let observer = RunObserver(tracePath: plan.tracePath, summary: plan.printsSummary, progress: plan.showsProgress, logger: logger)
        observer.attach(to: broker)
        let port = String(broker.endpoint.split(separator: ":").last ?? "0")
        logger.info("broker listening on \(broker.endpoint)\(broker.localEndpoint.map { " and \($0) (workers on this host)" } ?? "")\(keys == nil ? " (no encryption)" : " (CURVE: encrypted, run's keys required)")")
        let signals = installSignalHandlers() + [installStateReport(broker)]
        defer { signals.forEach { $0.cancel() } }

        var monitors: [Task<Void, Never>] = []
        var origin: ChildProcess?
        for placement in plan.placements {
            for id in placement.workerIDs {
                let spec = WorkerLaunchSpec(
                    workerID: id, host: placement.host, isLocal: placement.isLocal,
                    program: placement.isLocal ? absolutePath(plan.program) : plan.program,
                    arguments: plan.arguments,
                    environment: workerEnvironment(id: id, broker: plan.brokerAddress(for: placement, port: port,
                                                                                     localEndpoint: broker.localEndpoint),
                                                     heartbeat: heartbeat)
                        .merging(observer.workerEnvironment(id: id)) { _, observed in observed },
                    secrets: keys.map { CurveEnvironment.variables(for: $0.client) } ?? [:])
                var shell = plan.remoteShell
                if plan.tunnel && !placement.isLocal { shell.extraOptions += ["-R", "\(port):127.0.0.1:\(port)"] }
                let command = spec.command(ssh: shell)
                let tag = plan.tagOutput ? "[\(id)@\(placement.host)] " : ""
                let child: ChildProcess
                do {
                    child = try ChildProcess(
                        workerID: id, host: placement.host, executable: command.executable, arguments: command.arguments,
                        environment: command.environment, standardInput: command.standardInput,
                        stdout: LineForwarder(destination: .standardOutput, prefix: tag),
                        stderr: LineForwarder(destination: .standardError, prefix: tag))
                } catch {
                    logger.error("could not start worker \(id) on \(placement.host): \(command.executable): \(error)")
                    terminateAll()
                    return 127
                }
                children.withLock { $0.append(child) }
                if id == 0 { origin = child }
                monitors.append(Task { [isLocal = placement.isLocal] in await self.monitor(child, isLocal: isLocal, broker: broker) })
            }
        }
        guard let origin else { return 1 }
        let originStatus = await origin.wait()
        // The origin sends the shutdown before it exits; give workers a moment to leave on their own.
        await waitForWorkers(grace: .seconds(5))
        terminateAll()
        // A process that ignores SIGTERM (or is stopped) gets SIGKILL: the launcher never hangs.
        await waitForWorkers(grace: .seconds(3))
        for child in children.withLock({ $0 }) { child.terminate(signal: SIGKILL) }
        for monitor in monitors { await monitor.value }
        if broker.refusedConnections > 0 {
            logger.warning("the broker refused \(broker.refusedConnections) connection attempt(s) without this run's keys (see the warnings above)")
        }
        // Workers that failed or were lost send no last trace batch, nor do
        // processes that never joined (not swift-scoop programs): do not wait for them.
        let failedWorkers = Set(children.withLock { $0 }.filter { ($0.exitStatus ?? 0) != 0 }.map { WorkerID($0.workerID) })
        let joinedWorkers = Set(plan.placements.flatMap(\.workerIDs).map { WorkerID($0) }.filter(broker.hasJoined))
        await observer.finish(broker: broker, workers: joinedWorkers.subtracting(failedWorkers))
        // Interrupted: the children ended because they were told to; the status says why.
        if let signal = interruption.withLock({ $0 }) { return 128 + signal }
        let lost = lostWorkers.withLock { $0 }
        let counters = broker.counters
        if !lost.isEmpty || counters.lostWorkers > 0 {
            let named = lost.isEmpty ? "" : ": " + lost.joined(separator: "; ")
            logger.warning("\(max(lost.count, counters.lostWorkers)) worker(s) lost during the run\(named); \(counters.requeued) future(s) re-queued, \(counters.staleResults) late result(s) ignored, \(counters.exhaustedFutures) future(s) failed after \(plan.maxWorkerLosses) lost workers")
        }
        let failed = failures.withLock { $0 }
        for failure in failed { logger.error("\(failure)") }
        if originStatus != 0 {
            logger.error("the origin (worker 0 on \(origin.host)) exited with status \(originStatus)")
            return originStatus
        }
        return failed.isEmpty ? 0 : 1
    }

    private func monitor(_ child: ChildProcess, isLocal: Bool, broker: ZeroMQBroker) async {
        let status = await child.wait()
        let worker = WorkerID(child.workerID)
        if child.workerID == 0 {
            guard status != 0 else { return }
            // An origin that ends with an error still sends its last trace
            // batch and the shutdown before it exits; those may not have been
            // read yet when its exit is seen. Give them a moment: dropped,
            // the run would end as if the origin were lost, its workers told so.
            let deadline = ContinuousClock.now + .seconds(1)
            while !broker.hasEnded && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(5))
            }
            if !broker.hasEnded { broker.removeWorker(.origin, reason: "exited with status \(status)") }
            return
        }
        let shuttingDown = ending.withLock { $0 }
        guard status != 0 && !shuttingDown else { return }
        let what: String
        if status == 255 && !isLocal {
            what = "could not be reached or started over ssh (status 255)"
        } else if status > 128 {
            what = "was killed by signal \(status - 128) (status \(status))"
        } else {
            what = "exited with status \(status)"
        }
        if broker.hasJoined(worker) {
            // It served and died: the run goes on without it (its futures are re-queued).
            lostWorkers.withLock { $0.append("worker \(child.workerID) on \(child.host) \(what)") }
        } else {
            failures.withLock { $0.append("worker \(child.workerID) on \(child.host) \(what)") }
        }
        broker.removeWorker(worker, reason: "its process on \(child.host) \(what)")
    }

    private func waitForWorkers(grace: Duration) async {
        ending.withLock { $0 = true }
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if children.withLock({ $0.allSatisfy { $0.exitStatus != nil } }) { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func terminateAll() {
        ending.withLock { $0 = true }
        let all = children.withLock { $0 }
        for child in all { child.terminate() }
    }

    private func workerEnvironment(id: Int, broker: String, heartbeat: Heartbeat) -> [String: String] {
        var environment = plan.forwardedEnvironment
        environment["SCOOP_BROKER"] = broker
        environment["SCOOP_WORKER_ID"] = String(id)
        environment["SCOOP_WORKER_COUNT"] = String(plan.workerCount)
        environment["SCOOP_HEARTBEAT_TIMEOUT"] = Self.seconds(heartbeat.timeout)
        environment["SCOOP_HEARTBEAT_INTERVAL"] = Self.seconds(heartbeat.interval)
        environment["SCOOP_LOG_LEVEL"] = plan.logLevel.rawValue
        environment[MessageSizeLimit.environmentVariable] = String(plan.maxMessageSize)
        return environment
    }

    /// A duration as decimal seconds, as the `SCOOP_HEARTBEAT_*` variables take it.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(Double(seconds) + Double(attoseconds) / 1e18)
    }

    private func absolutePath(_ program: String) -> String {
        guard program.contains("/"), !program.hasPrefix("/") else { return program }
        return FileManager.default.currentDirectoryPath + "/" + program
    }

    /// Removes the local socket's directory, once.
    private func removeLocalSocket() {
        localSocket.withLock { socket in
            socket?.remove()
            socket = nil
        }
    }

    /// `kill -USR1 <pid of scoop run>`: log where the futures are (the
    /// broker's queue, credits and in-flight futures) and go on, to look
    /// into a run that seems stuck without stopping it.
    private func installStateReport(_ broker: ZeroMQBroker) -> any DispatchSourceSignal {
        signal(SIGUSR1, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        source.setEventHandler { [logger] in logger.warning("broker state (SIGUSR1): \(broker.stateDescription)") }
        source.resume()
        return source
    }

    /// Ctrl-C or SIGTERM: stop every process of the run, then exit 128+signal.
    private func installSignalHandlers() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                logger.error("interrupted (signal \(number)): stopping every process of the run")
                interruption.withLock { $0 = $0 ?? number }
                terminateAll()
                let all = children.withLock { $0 }
                let deadline = DispatchTime.now() + .seconds(3)
                while DispatchTime.now() < deadline, all.contains(where: { $0.exitStatus == nil }) {
                    usleep(10_000)
                }
                for child in all { child.terminate(signal: SIGKILL) }
                removeLocalSocket()
                exit(128 + number)
            }
            source.resume()
            return source
        }
    }
}
