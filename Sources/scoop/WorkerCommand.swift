import ArgumentParser
import Foundation
import ScoopLaunch
import ScoopZeroMQ
import Synchronization

/// `scoop worker`: adds local worker processes to a running pool.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Start N worker processes of PROGRAM that join the broker at ADDRESS.",
        discussion: "They receive every shared constant set before they joined. With --origin, the first one is the origin.")

    @Option(name: .customLong("connect"), help: "The broker's address, as `scoop broker` printed it.")
    var connect: String

    @Option(name: [.customShort("n"), .customLong("workers")], help: "How many worker processes to start here.")
    var workers = 1

    @Flag(name: .customLong("origin"), help: "The first process started is the origin (runs the program's body).")
    var origin = false

    @Option(name: .customLong("keys"), help: "A client key file from `scoop keygen` (mode 0600), for a broker started with --keys.")
    var keys: String?

    @OptionGroup var logging: LoggingOptions

    @Argument(parsing: .captureForPassthrough, help: "-- PROGRAM [ARGUMENTS...]")
    var command: [String] = []

    mutating func validate() throws {
        // Passthrough capture takes `--help` for the program; only after `--` is it the program's.
        if let first = command.first, ["-h", "--help", "-help"].contains(first) {
            throw CleanExit.helpRequest(WorkerCommand.self)
        }
        if command.first == "--" { command.removeFirst() }
        guard !command.isEmpty else { throw ValidationError("missing the program: scoop worker --connect ADDRESS -- PROGRAM") }
        guard workers >= 1 else { throw ValidationError("-n must be at least 1") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "scoop.launcher")
        var secrets: [String: String] = [:]
        if let keys {
            do {
                secrets = CurveEnvironment.variables(for: try CurveKeyFile.readClientKeys(at: keys))
            } catch {
                throw ValidationError("--keys: \(error)")
            }
        }
        var children: [ChildProcess] = []
        for index in 0..<workers {
            let id = origin && index == 0 ? "0" : "auto"
            children.append(try ChildProcess(
                workerID: index, host: "localhost", executable: command[0], arguments: Array(command.dropFirst()),
                // The keys go in the environment (readable by this user and root), never on a command line.
                environment: ["SCOOP_BROKER": connect, "SCOOP_WORKER_ID": id, "SCOOP_LOG_LEVEL": logging.level.rawValue]
                    .merging(secrets) { $1 },
                stdout: LineForwarder(destination: .standardOutput, prefix: ""),
                stderr: LineForwarder(destination: .standardError, prefix: "")))
        }
        var worst: Int32 = 0
        for child in children {
            let status = await child.wait()
            if status != 0 { logger.error("worker process \(child.processID) exited with status \(status)") }
            worst = max(worst, status)
        }
        throw ExitCode(worst)
    }
}
