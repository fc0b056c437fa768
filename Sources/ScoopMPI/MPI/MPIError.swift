import CMPI

/// An MPI call that returned an error code, with MPI's own description of it.
///
/// MPI is initialised with `MPI_ERRORS_RETURN` on `MPI_COMM_WORLD`, so failing
/// calls report here instead of aborting the whole job.
///
/// ```swift
/// do {
///     let engine = try MPIProgressEngine.start { _, _, _ in }
///     engine.shutdown()
/// } catch let error as MPIError {
///     print(error.call, error.code, error.message)  // "MPI_Init_thread", 17, "MPI_ERR_INTERN: ..."
/// }
/// ```
public struct MPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The MPI function that failed, e.g. `"MPI_Isend"`.
    public let call: String
    /// The MPI error code (an `MPI_ERR_*` class or implementation-specific code).
    public let code: Int32
    /// The text `MPI_Error_string` gives for `code`, or a description of a
    /// failure detected by this layer (then `code` is `-1`).
    public let message: String

    public init(call: String, code: Int32, message: String) {
        self.call = call
        self.code = code
        self.message = message
    }

    /// Builds the error for `code`, asking MPI for its description.
    init(call: String, code: Int32) {
        self.init(call: call, code: code, message: MPIError.errorString(code))
    }

    public var description: String {
        "\(call) failed (\(code)): \(message)"
    }

    /// `MPI_Error_string`; callable before `MPI_Init` and after `MPI_Finalize`.
    static func errorString(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(scoop_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &buffer, &length) == scoop_mpi_success() else {
            return "unknown MPI error"
        }
        let bytes = buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Throws an `MPIError` naming `call` unless `code` is `MPI_SUCCESS`.
@inline(__always)
func mpiCheck(_ code: Int32, _ call: @autoclosure () -> String) throws(MPIError) {
    if code != scoop_mpi_success() {
        throw MPIError(call: call(), code: code)
    }
}
