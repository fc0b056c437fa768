import CMPI

/// What `MPI_Iprobe` found: the envelope of the next matching message.
struct MPIMessageInfo: Sendable, Equatable {
    var source: Int32
    var tag: Int32
    var byteCount: Int
}

/// Point-to-point calls on `MPI_COMM_WORLD` with `MPI_BYTE` buffers.
///
/// Threading contract: progress thread only (see `MPI`). A buffer passed to
/// `isend`/`irecv` must stay allocated, and unmodified for a send, until the
/// returned request completes (`test`/`MPIPendingRequests.testSome`).
///
/// ```swift
/// let request = try MPI.isend(bytes, to: 1, tag: 7)
/// while let info = try MPI.iprobe() { let message = try MPI.receive(info) }
/// ```
extension MPI {
    /// The wildcard source for `iprobe`.
    static var anySource: Int32 { scoop_mpi_any_source() }
    /// The wildcard tag for `iprobe`.
    static var anyTag: Int32 { scoop_mpi_any_tag() }

    /// `MPI_Isend` of at most `Int32.max` bytes.
    static func isend(_ buffer: UnsafeRawBufferPointer, to destination: Int32, tag: Int32) throws(MPIError) -> MPI_Request? {
        let count = try checkedCount(buffer.count, "MPI_Isend")
        var request: MPI_Request? = scoop_mpi_request_null()
        try mpiCheck(
            MPI_Isend(buffer.baseAddress, count, scoop_mpi_byte(), destination, tag, scoop_mpi_comm_world(), &request),
            "MPI_Isend(to: \(destination), tag: \(tag), bytes: \(count))"
        )
        return request
    }

    /// `MPI_Irecv` of at most `buffer.count` bytes (at most `Int32.max`).
    static func irecv(into buffer: UnsafeMutableRawBufferPointer, from source: Int32, tag: Int32) throws(MPIError) -> MPI_Request? {
        let count = try checkedCount(buffer.count, "MPI_Irecv")
        var request: MPI_Request? = scoop_mpi_request_null()
        try mpiCheck(
            MPI_Irecv(buffer.baseAddress, count, scoop_mpi_byte(), source, tag, scoop_mpi_comm_world(), &request),
            "MPI_Irecv(from: \(source), tag: \(tag))"
        )
        return request
    }

    /// `MPI_Iprobe`: the envelope of the next message from `source` with
    /// `tag` (wildcards by default), or `nil` if none has arrived. Also drives
    /// MPI's progress engine, completing outstanding requests.
    static func iprobe(source: Int32 = anySource, tag: Int32 = anyTag) throws(MPIError) -> MPIMessageInfo? {
        var flag: Int32 = 0
        var status = MPI_Status()
        try mpiCheck(MPI_Iprobe(source, tag, scoop_mpi_comm_world(), &flag, &status), "MPI_Iprobe")
        guard flag != 0 else { return nil }
        let count = scoop_mpi_status_byte_count(&status)
        guard count >= 0 else {
            throw MPIError(call: "MPI_Get_count", code: -1, message: "byte count of a probed message is undefined")
        }
        return MPIMessageInfo(
            source: scoop_mpi_status_source(&status),
            tag: scoop_mpi_status_tag(&status),
            byteCount: Int(count)
        )
    }

    /// Blocking `MPI_Recv` of the message from `source` with `tag` into
    /// `buffer`; returns the number of bytes received. Only blocks for the
    /// data transfer when called for a message `iprobe` has already seen.
    @discardableResult
    static func recv(into buffer: UnsafeMutableRawBufferPointer, from source: Int32, tag: Int32) throws(MPIError) -> Int {
        let count = try checkedCount(buffer.count, "MPI_Recv")
        var status = MPI_Status()
        try mpiCheck(
            MPI_Recv(buffer.baseAddress, count, scoop_mpi_byte(), source, tag, scoop_mpi_comm_world(), &status),
            "MPI_Recv(from: \(source), tag: \(tag), bytes: \(count))"
        )
        return Int(max(0, scoop_mpi_status_byte_count(&status)))
    }

    /// Receives the message `iprobe` reported, into a new array (no copy).
    static func receive(_ info: MPIMessageInfo) throws(MPIError) -> [UInt8] {
        do {
            return try [UInt8](unsafeUninitializedCapacity: info.byteCount) { buffer, initialized in
                initialized = try recv(into: UnsafeMutableRawBufferPointer(buffer), from: info.source, tag: info.tag)
            }
        } catch let error as MPIError {
            throw error
        } catch {
            throw MPIError(call: "MPI_Recv", code: -1, message: "\(error)")
        }
    }

    /// `MPI_Test`: whether `request` has completed (it is then reset to
    /// `MPI_REQUEST_NULL` and its buffer may be reused).
    static func test(_ request: inout MPI_Request?) throws(MPIError) -> Bool {
        var flag: Int32 = 0
        try mpiCheck(MPI_Test(&request, &flag, scoop_mpi_status_ignore()), "MPI_Test")
        return flag != 0
    }

    private static func checkedCount(_ count: Int, _ call: String) throws(MPIError) -> Int32 {
        guard let count = Int32(exactly: count) else {
            throw MPIError(call: call, code: -1, message: "\(count) bytes exceed MPI's Int32 count; frame the payload")
        }
        return count
    }
}
