/// The `mpirun` command line `scoop run --backend mpi` runs for the user,
/// with the hosts found as for the ZeroMQ transport.
///
/// ```swift
/// let command = MPIRunCommand(placements: placements, program: "./app", arguments: [],
///                             localCores: 2, runningAsRoot: true)
/// command.mpirunArguments(hostfilePath: nil)
/// // ["-n", "3", "--oversubscribe", "--allow-run-as-root", "./app"]
/// ```
public struct MPIRunCommand: Sendable, Equatable {
    public var placements: [Placement]
    public var program: String
    public var arguments: [String]
    public var localCores: Int
    public var runningAsRoot: Bool

    public init(placements: [Placement], program: String, arguments: [String], localCores: Int, runningAsRoot: Bool) {
        self.placements = placements
        self.program = program
        self.arguments = arguments
        self.localCores = localCores
        self.runningAsRoot = runningAsRoot
    }

    public var workerCount: Int { placements.reduce(0) { $0 + $1.workers } }

    /// Whether every rank runs on this machine (no hostfile needed).
    public var isLocalOnly: Bool { placements.allSatisfy(\.isLocal) }

    /// OpenMPI hostfile lines (`host slots=N`), for runs that span hosts.
    public var hostfile: String {
        placements.map { "\($0.host) slots=\($0.workers)\n" }.joined()
    }

    /// mpirun's arguments; `hostfilePath` is where ``hostfile`` was written (multi-host runs).
    public func mpirunArguments(hostfilePath: String?) -> [String] {
        var result = ["-n", String(workerCount)]
        if let hostfilePath, !isLocalOnly { result += ["--hostfile", hostfilePath] }
        let oversubscribed = placements.contains { $0.workers > $0.slots } || (isLocalOnly && workerCount > localCores)
        if oversubscribed { result.append("--oversubscribe") }
        if runningAsRoot { result.append("--allow-run-as-root") }
        return result + [program] + arguments
    }
}
