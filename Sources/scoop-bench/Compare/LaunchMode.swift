/// One way of launching the benchmark that `compare` measures.
struct LaunchMode: Sendable {
    /// `threads`, `zeromq` or `mpi`: the transport the run must report.
    var transport: String
    /// How it is started, for the report.
    var label: String
    /// The command before the benchmark's own arguments.
    var prefix: [String]
    /// Variables set for the command.
    var environment: [String: String]

    func command(benchmark: String, arguments: [String]) -> [String] {
        prefix + [benchmark] + arguments
    }

    static let workers = 2

    static func threads() -> LaunchMode {
        LaunchMode(transport: "threads", label: "SCOOP_WORKERS=\(workers) scoop-bench", prefix: [],
                   environment: ["SCOOP_WORKERS": "\(workers)"])
    }

    static func zeroMQ(launcher: String) -> LaunchMode {
        LaunchMode(transport: "zeromq", label: "scoop run -n \(workers) -- scoop-bench",
                   prefix: [launcher, "run", "-n", "\(workers)", "--"], environment: [:])
    }

    /// MPI: two ranks, as many workers as the other modes. Rank 0 is the
    /// origin and computes too (like `scoop run -n 2`), so `-n 3` on two
    /// cores would put three computing ranks on two cores.
    /// (mpi4py.futures was measured with `-n 3` because its rank 0 only schedules.)
    static func mpi(mpirun: String) -> LaunchMode {
        LaunchMode(transport: "mpi", label: "mpirun -n \(workers) scoop-bench",
                   prefix: [mpirun, "--allow-run-as-root", "--oversubscribe", "-n", "\(workers)"],
                   environment: [:])
    }
}
