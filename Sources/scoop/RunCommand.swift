import ArgumentParser
import Foundation
import ScoopCore
import ScoopLaunch

/// `scoop run`: the broker, the origin and the workers of one run.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start a broker and N processes of PROGRAM (worker 0 is the origin); exit with the origin's status.",
        discussion: """
            Hosts come from --hostfile, else --hosts, else SLURM, PBS or SGE variables, else this machine \
            (one worker per core). Local workers are started directly, remote ones over ssh.

            A worker that dies or stops answering heartbeats is declared lost: its futures run elsewhere \
            and the run goes on (logged with its id and host; the exit status stays the origin's). \
            See docs/reliability.md.
            """
    )

    @Option(name: [.customShort("n"), .customLong("workers")], help: "Number of workers, the origin included (default: SLURM_NTASKS, PBS_NP, NSLOTS or the hosts' total).")
    var workers: Int?

    @Option(name: .customLong("hosts"), parsing: .upToNextOption, help: "Hosts to run on; a repeated name adds a worker, name:N gives N.")
    var hosts: [String] = []

    @Option(name: .customLong("hostfile"), help: "File of hosts: 'host', 'host N' or 'host slots=N' per line; SLURM ranges like node[01-04].")
    var hostfile: String?

    @Option(name: .customLong("path"), help: "Working directory of remote workers.")
    var path: String?

    @Option(name: .customLong("prolog"), help: "Shell script sourced on each remote host before the program starts.")
    var prolog: String?

    @Option(name: .customLong("env"), help: "K=V to set in every worker's environment (repeatable).")
    var environment: [String] = []

    @Option(name: .customLong("ssh"), help: "The ssh command for remote hosts, with its own options.")
    var ssh = "ssh"

    @Option(name: .customLong("external-hostname"), help: "The address remote workers use to reach the broker (default: this host's name).")
    var externalHostname: String?

    @Flag(name: .customLong("tunnel"), help: "Reach the broker through ssh reverse tunnels (workers cannot connect to this host).")
    var tunnel = false

    @Flag(name: .customLong("tag-output"), help: "Prefix each line of worker output with [worker@host].")
    var tagOutput = false

    @OptionGroup var liveness: LivenessOptions

    @Option(name: .customLong("encryption"), help: "CURVE between broker and processes: auto (when a worker is on another host), always or never.")
    var encryption: Encryption = .auto

    @OptionGroup var messageSize: MessageSizeOption

    @Option(name: .customLong("backend"), help: "zeromq (default: a broker and ssh) or mpi (runs mpirun for you).")
    var backend: Backend = .zeromq

    enum Backend: String, ExpressibleByArgument, CaseIterable {
        case zeromq, mpi
    }

    @Option(name: .customLong("trace"), help: "Write a Chrome trace-event JSON of every future to FILE (open it in ui.perfetto.dev or with `scoop report`). Also SCOOP_TRACE=FILE.")
    var trace: String?

    @Flag(name: .customLong("no-progress"), help: "No progress bar for long maps (also SCOOP_PROGRESS=0).")
    var noProgress = false

    @OptionGroup var logging: LoggingOptions

    @Argument(parsing: .captureForPassthrough, help: "-- PROGRAM [ARGUMENTS...]")
    var command: [String] = []

    mutating func validate() throws {
        // Passthrough capture takes `--help` for the program; only after `--` is it the program's.
        if let first = command.first, ["-h", "--help", "-help"].contains(first) {
            throw CleanExit.helpRequest(RunCommand.self)
        }
        if command.first == "--" { command.removeFirst() }
        guard !command.isEmpty else { throw ValidationError("missing the program to run: scoop run [options] -- PROGRAM [ARGS...]") }
        if let workers, workers < 1 { throw ValidationError("-n \(workers): need at least one worker") }
        for pair in environment where !pair.contains("=") {
            throw ValidationError("--env \(pair): expected K=V")
        }
        _ = try messageSize.bytes()
        // Yes-or-no variables this command reads: a misspelt value is refused, not read as "off".
        let variables = ProcessInfo.processInfo.environment
        do {
            _ = try EnvironmentFlag.value(of: "SCOOP_LOCAL_SOCKET", in: variables)
            _ = try Self.progressSetting(variables)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// `SCOOP_PROGRESS` as a yes-or-no setting; nil when unset or `broker`
    /// (what a launcher gives its origin: a program it started may run `scoop run` too).
    static func progressSetting(_ variables: [String: String]) throws(EnvironmentFlag.Invalid) -> Bool? {
        variables["SCOOP_PROGRESS"] == "broker" ? nil : try EnvironmentFlag.value(of: "SCOOP_PROGRESS", in: variables)
    }

    func run() async throws {
        var logger = logging.bootstrap(label: "scoop.launcher")
        logger[metadataKey: "host"] = "\(LocalHost.hostname)"
        let localCores = ProcessInfo.processInfo.activeProcessorCount
        let variables = ProcessInfo.processInfo.environment
        let list = try HostDiscovery.discover(hostfile: hostfile, hosts: hosts, environment: variables, localCores: localCores)
        let count = try workers ?? HostDiscovery.defaultWorkerCount(environment: variables, hosts: list, localCores: localCores)
        let placements = try WorkerPlacement.place(workers: count, on: list.hosts, localCores: localCores)
        logger.info("\(count) workers on \(placements.map { "\($0.host)×\($0.workers)" }.joined(separator: ", ")) (hosts from \(list.source))")

        let tracePath = trace ?? variables["SCOOP_TRACE"].flatMap { $0.isEmpty || $0 == "0" ? nil : $0 }
        var forwarded: [String: String] = [:]
        for pair in environment {
            let parts = pair.split(separator: "=", maxSplits: 1)
            forwarded[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        if backend == .mpi {
            let unsupported = [(prolog != nil, "--prolog"), (tunnel, "--tunnel"), (externalHostname != nil, "--external-hostname")]
                .filter(\.0).map(\.1)
            guard unsupported.isEmpty else {
                throw ValidationError("\(unsupported.joined(separator: ", ")) cannot be used with --backend mpi: mpirun starts and connects the ranks itself (set up hosts with your MPI installation's own means)")
            }
            // Rank 0 writes the trace and prints the summary; the other ranks send it their events.
            var exported = forwarded
            if let tracePath { exported["SCOOP_TRACE"] = absolutePath(tracePath) }
            if logging.level <= .info { exported["SCOOP_SUMMARY"] = "1" }
            if noProgress { exported["SCOOP_PROGRESS"] = "0" }
            let mpi = MPIRunCommand(placements: placements, program: command[0], arguments: Array(command.dropFirst()),
                                    localCores: localCores, runningAsRoot: getuid() == 0, environment: exported,
                                    workingDirectory: path, remoteShell: ssh == "ssh" ? nil : ssh)
            try MPILaunch.exec(mpi, logger: logger)
        }
        let progressVariable = try Self.progressSetting(variables)
        let plan = RunPlan(
            placements: placements, program: command[0], arguments: Array(command.dropFirst()),
            forwardedEnvironment: forwarded,
            remoteShell: RemoteShell(command: ssh.split(separator: " ").map(String.init), workingDirectory: path, prolog: prolog),
            externalHostname: externalHostname, tunnel: tunnel, tagOutput: tagOutput,
            heartbeat: liveness.heartbeat(variables), maxWorkerLosses: liveness.resolvedMaxWorkerLosses(variables),
            encryption: encryption, maxMessageSize: try messageSize.bytes(), logLevel: logging.level,
            tracePath: tracePath.map(absolutePath), printsSummary: logging.level <= .info,
            showsProgress: !noProgress && progressVariable != false)
        let status = try await RunSession(plan: plan, logger: logger).run()
        throw ExitCode(status)
    }

    private func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
