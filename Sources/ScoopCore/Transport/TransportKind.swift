/// How the processes of a run talk to each other. Picked at launch, never in code.
public enum TransportKind: String, Sendable, Codable, CustomStringConvertible {
    /// One process; futures run on a pool of threads (`./MyApp`).
    case threads
    /// A broker routes futures between worker processes over ZeroMQ (`scoop run`).
    case zeromq
    /// Ranks of an MPI job; rank 0 is the origin and schedules (`mpirun`).
    case mpi
    /// Several nodes in one process, wired by memory (tests of the multi-process logic).
    case inMemory = "in-memory"

    public var description: String { rawValue }
}
