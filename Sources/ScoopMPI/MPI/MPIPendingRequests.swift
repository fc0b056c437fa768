import CMPI

/// Outstanding non-blocking requests, each with the object that must outlive
/// it (for a send: the array whose storage MPI reads from).
///
/// Threading contract: progress thread only; not `Sendable`.
///
/// ```swift
/// var pending = MPIPendingRequests<[UInt8]>()
/// pending.append(try MPI.isend(buffer, to: 1, tag: 0), keepingAlive: bytes)
/// let finished = try pending.testSome()  // owners of the completed requests
/// ```
struct MPIPendingRequests<Owner> {
    private var requests: [MPI_Request?] = []
    private var owners: [Owner] = []
    private var indices: [Int32] = []

    var count: Int { requests.count }
    var isEmpty: Bool { requests.isEmpty }

    /// Tracks `request` and keeps `owner` alive until it completes.
    mutating func append(_ request: MPI_Request?, keepingAlive owner: Owner) {
        requests.append(request)
        owners.append(owner)
    }

    /// `MPI_Testsome` over every tracked request; removes the completed ones
    /// and returns their owners, in the order they were appended.
    mutating func testSome() throws(MPIError) -> [Owner] {
        guard !requests.isEmpty else { return [] }
        if indices.count < requests.count {
            indices = [Int32](repeating: 0, count: requests.count)
        }
        var completedCount: Int32 = 0
        let rc = requests.withUnsafeMutableBufferPointer { requestBuffer in
            indices.withUnsafeMutableBufferPointer { indexBuffer in
                MPI_Testsome(
                    Int32(requestBuffer.count), requestBuffer.baseAddress, &completedCount,
                    indexBuffer.baseAddress, scoop_mpi_statuses_ignore()
                )
            }
        }
        try mpiCheck(rc, "MPI_Testsome")
        guard completedCount > 0, completedCount != scoop_mpi_undefined() else { return [] }
        var isDone = [Bool](repeating: false, count: requests.count)
        for index in indices.prefix(Int(completedCount)) { isDone[Int(index)] = true }
        var completed: [Owner] = []
        completed.reserveCapacity(Int(completedCount))
        var kept = 0
        for position in requests.indices {
            if isDone[position] {
                completed.append(owners[position])
            } else {
                requests[kept] = requests[position]
                owners.swapAt(kept, position)
                kept += 1
            }
        }
        requests.removeSubrange(kept...)
        owners.removeSubrange(kept...)
        return completed
    }
}
