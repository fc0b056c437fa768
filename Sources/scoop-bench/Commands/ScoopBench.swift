import ArgumentParser

/// `scoop-bench`: the workloads of BENCHMARKS.md on whatever transport the
/// process was launched with, and `compare` to run the transports side by side.
struct ScoopBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scoop-bench",
        abstract: "swift-scoop's benchmark workloads (BENCHMARKS.md).",
        discussion: """
            SCOOP_WORKERS=2 scoop-bench                       # threads
            scoop run -n 2 -- scoop-bench                     # ZeroMQ
            mpirun --oversubscribe -n 2 scoop-bench           # MPI (rank 0 computes too)
            scoop-bench compare --rounds 3 --markdown out.md  # all of them, interleaved
            """,
        subcommands: [RunCommand.self, CompareCommand.self],
        defaultSubcommand: RunCommand.self)
}

extension ScoopBench {
    /// Parses the command line and runs the chosen subcommand.
    ///
    /// Called from main.swift instead of `main()`: from top-level code,
    /// `main()` resolves to ParsableCommand's synchronous entry, which cannot
    /// run the asynchronous subcommands.
    static func start() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
