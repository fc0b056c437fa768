import CMPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The MPI environment calls: initialisation, the job's shape, shutdown.
///
/// Threading contract: like every member of `MPI`, these are called only from
/// the thread that called `initialize` (the progress thread); the library is
/// initialised with at most `MPI_THREAD_FUNNELED`/`SERIALIZED` semantics.
///
/// ```swift
/// let provided = try MPI.initialize(requesting: .funneled)
/// let (rank, size) = (try MPI.rank(), try MPI.size())
/// try MPI.finalize()
/// ```
enum MPI {
    /// `MPI_Init_thread` without arguments, then `MPI_ERRORS_RETURN` on
    /// `MPI_COMM_WORLD`. Returns the thread level the library provides.
    static func initialize(requesting level: MPIThreadLevel) throws(MPIError) -> MPIThreadLevel {
        var provided: Int32 = 0
        try mpiCheck(MPI_Init_thread(nil, nil, level.mpiValue, &provided), "MPI_Init_thread")
        try mpiCheck(
            MPI_Comm_set_errhandler(scoop_mpi_comm_world(), scoop_mpi_errors_return()),
            "MPI_Comm_set_errhandler"
        )
        return MPIThreadLevel(mpiValue: provided) ?? .single
    }

    /// Whether `MPI_Init` or `MPI_Init_thread` has run in this process.
    static var isInitialized: Bool {
        var flag: Int32 = 0
        _ = MPI_Initialized(&flag)
        return flag != 0
    }

    /// Whether `MPI_Finalize` has run in this process.
    static var isFinalized: Bool {
        var flag: Int32 = 0
        _ = MPI_Finalized(&flag)
        return flag != 0
    }

    /// This process's rank in `MPI_COMM_WORLD`.
    static func rank() throws(MPIError) -> Int {
        var rank: Int32 = 0
        try mpiCheck(MPI_Comm_rank(scoop_mpi_comm_world(), &rank), "MPI_Comm_rank")
        return Int(rank)
    }

    /// The number of processes in `MPI_COMM_WORLD`.
    static func size() throws(MPIError) -> Int {
        var size: Int32 = 0
        try mpiCheck(MPI_Comm_size(scoop_mpi_comm_world(), &size), "MPI_Comm_size")
        return Int(size)
    }

    /// `MPI_Get_processor_name`: usually the host name.
    static func processorName() throws(MPIError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(scoop_mpi_max_processor_name()) + 1)
        var length: Int32 = 0
        try mpiCheck(MPI_Get_processor_name(&buffer, &length), "MPI_Get_processor_name")
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The largest tag `MPI_COMM_WORLD` accepts (at least 32767).
    static func tagUpperBound() throws(MPIError) -> Int32 {
        var upperBound: Int32 = 0
        try mpiCheck(scoop_mpi_tag_upper_bound(&upperBound), "MPI_Comm_get_attr(MPI_TAG_UB)")
        return upperBound
    }

    /// `MPI_Finalize`. Every rank must call it; it synchronises with the others.
    static func finalize() throws(MPIError) {
        try mpiCheck(MPI_Finalize(), "MPI_Finalize")
    }

    /// `MPI_Abort` on `MPI_COMM_WORLD`: the launcher kills every rank and
    /// exits with `code`. Falls back to `_exit` should MPI return.
    static func abort(code: Int32) -> Never {
        _ = MPI_Abort(scoop_mpi_comm_world(), code)
        _exit(code)
    }
}
