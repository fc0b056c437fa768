import CMPI

/// The thread support levels of `MPI_Init_thread`, lowest first.
///
/// The progress engine makes every MPI call from the one thread that called
/// `MPI_Init_thread`, so `.funneled` is all it needs.
///
/// ```swift
/// var configuration = MPIProgressEngine.Configuration()
/// configuration.threadLevel = .serialized
/// let engine = try MPIProgressEngine.start(configuration: configuration) { _, _, _ in }
/// print(engine.providedThreadLevel)  // what the MPI library granted
/// ```
public enum MPIThreadLevel: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// Only one thread exists in the process.
    case single
    /// Many threads; only the thread that initialised MPI calls it.
    case funneled
    /// Many threads may call MPI, one at a time.
    case serialized
    /// Many threads may call MPI concurrently.
    case multiple

    /// The C constant (`MPI_THREAD_*`) for this level.
    var mpiValue: Int32 {
        switch self {
        case .single: scoop_mpi_thread_single()
        case .funneled: scoop_mpi_thread_funneled()
        case .serialized: scoop_mpi_thread_serialized()
        case .multiple: scoop_mpi_thread_multiple()
        }
    }

    /// The level for a C constant; `nil` for a value MPI should never return.
    init?(mpiValue: Int32) {
        guard let level = Self.allCases.first(where: { $0.mpiValue == mpiValue }) else { return nil }
        self = level
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .single: "MPI_THREAD_SINGLE"
        case .funneled: "MPI_THREAD_FUNNELED"
        case .serialized: "MPI_THREAD_SERIALIZED"
        case .multiple: "MPI_THREAD_MULTIPLE"
        }
    }
}
