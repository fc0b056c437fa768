import ArgumentParser
import Foundation
import ScoopZeroMQ

/// `scoop broker`: a broker on its own, for pools assembled by hand with `scoop worker`.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run a broker alone; it prints its address and ends when the origin ends the run.")

    @Option(name: .customLong("bind"), help: "ZeroMQ endpoint to bind, e.g. tcp://127.0.0.1:5555 or 'tcp://*:5555'.")
    var bind = "tcp://127.0.0.1:*"

    @Option(name: [.customShort("n"), .customLong("workers")], help: "The pool's nominal size, reported to workers.")
    var workers = 1

    @OptionGroup var liveness: LivenessOptions

    @Option(name: .customLong("keys"), help: "A broker key file from `scoop keygen` (mode 0600): require CURVE and admit only its client keys.")
    var keys: String?

    @OptionGroup var messageSize: MessageSizeOption

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        _ = try messageSize.bytes()
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "scoop.broker")
        let curve: CurveServerKeys?
        do {
            curve = try keys.map { path throws(CurveKeyError) in try CurveKeyFile.readServerKeys(at: path) }
        } catch {
            throw ValidationError("--keys: \(error)")
        }
        if curve == nil && !bind.hasPrefix("tcp://127.") && !bind.hasPrefix("ipc://") && !bind.hasPrefix("inproc://") {
            logger.warning("--bind \(bind) without --keys: anyone who can reach this port can join; see docs/security.md")
        }
        let variables = ProcessInfo.processInfo.environment
        let broker = try ZeroMQBroker(bindTo: bind, workerCount: workers, heartbeat: liveness.heartbeat(variables),
                                      curve: curve, maxWorkerLosses: liveness.resolvedMaxWorkerLosses(variables),
                                      maxMessageSize: try messageSize.bytes(), logger: logger)
        // The first line of stdout is the address: flush it now (stdout may be a pipe, fully buffered).
        print(broker.endpoint)
        fflush(nil)
        let summary = await broker.waitUntilShutdown()
        broker.stop()
        if let failure = summary.failure {
            logger.error("\(failure)")
            throw ExitCode(1)
        }
    }
}
