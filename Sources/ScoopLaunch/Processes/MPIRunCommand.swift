/// The `mpirun` command line `scoop run --backend mpi` runs for the user,
/// with the hosts found as for the ZeroMQ transport.
///
/// Hosts go on the command line (`--host a:4,b:2`), so no temporary hostfile
/// is left behind; `--env`, `--path` and `--ssh` map to OpenMPI's `-x`,
/// `--wdir` and `--mca plm_rsh_agent`.
///
/// ```swift
/// let command = MPIRunCommand(placements: placements, program: "./app", arguments: [],
///                             localCores: 2, runningAsRoot: true)
/// command.mpirunArguments
/// // ["-n", "3", "--oversubscribe", "--allow-run-as-root", "./app"]
/// ```
public struct MPIRunCommand: Sendable, Equatable {
    public var placements: [Placement]
    public var program: String
    public var arguments: [String]
    public var localCores: Int
    public var runningAsRoot: Bool
    /// Variables set in every rank's environment (`-x NAME=VALUE`).
    public var environment: [String: String]
    /// The working directory of every rank in a multi-host run (`--wdir`).
    public var workingDirectory: String?
    /// The remote shell OpenMPI starts its daemons with; nil for its default (ssh).
    public var remoteShell: String?

    public init(placements: [Placement], program: String, arguments: [String], localCores: Int, runningAsRoot: Bool,
                environment: [String: String] = [:], workingDirectory: String? = nil, remoteShell: String? = nil) {
        self.placements = placements
        self.program = program
        self.arguments = arguments
        self.localCores = localCores
        self.runningAsRoot = runningAsRoot
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.remoteShell = remoteShell
    }

    public var workerCount: Int { placements.reduce(0) { $0 + $1.workers } }

    /// Whether every rank runs on this machine (no host list needed).
    public var isLocalOnly: Bool { placements.allSatisfy(\.isLocal) }

    /// OpenMPI's `--host` value for runs that span hosts: `host:ranks,...`.
    public var hostList: String {
        placements.map { "\($0.host):\($0.workers)" }.joined(separator: ",")
    }

    /// mpirun's arguments (without `mpirun` itself).
    public var mpirunArguments: [String] {
        var result = ["-n", String(workerCount)]
        if !isLocalOnly { result += ["--host", hostList] }
        let oversubscribed = placements.contains { $0.workers > $0.slots } || (isLocalOnly && workerCount > localCores)
        if oversubscribed { result.append("--oversubscribe") }
        if runningAsRoot { result.append("--allow-run-as-root") }
        if let workingDirectory, !isLocalOnly { result += ["--wdir", workingDirectory] }
        if let remoteShell, !isLocalOnly { result += ["--mca", "plm_rsh_agent", remoteShell] }
        for name in environment.keys.sorted() { result += ["-x", "\(name)=\(environment[name]!)"] }
        return result + [program] + arguments
    }
}
