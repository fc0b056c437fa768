#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoopCore

/// Receiving: probe for any message, receive it straight into the array that
/// is delivered, and reassemble framed payloads (see `MPIFraming`).
extension MPIProgressLoop {
    /// Receives up to `receivesPerPass` arrived messages; whether any arrived.
    func receiveArrivedMessages() -> Bool {
        var received = 0
        do {
            while received < Self.receivesPerPass, let info = try MPI.iprobe() {
                received += 1
                switch info.tag {
                case MPIFraming.headerTag:
                    try receiveFramed(header: info)
                case MPIFraming.partTag:
                    _ = try MPI.receive(info)
                    counters.countDropped()
                    logger.warning("dropped a stray \(info.byteCount)-byte part from rank \(info.source)")
                default:
                    deliver(from: info.source, tag: info.tag, try MPI.receive(info))
                }
            }
        } catch {
            counters.countDropped()
            logger.error("\(error)")
        }
        return received > 0
    }

    /// Receives a framed payload: its header, then its parts in order, each
    /// into its place in the payload's array.
    private func receiveFramed(header info: MPIMessageInfo) throws(MPIError) {
        let headerBytes = try MPI.receive(info)
        guard let header = MPIFraming.Header(decoding: headerBytes) else {
            counters.countDropped()
            logger.warning("dropped a malformed \(headerBytes.count)-byte frame header from rank \(info.source)")
            return
        }
        let source = info.source
        do {
            let payload = try [UInt8](unsafeUninitializedCapacity: header.totalLength) { buffer, initialized in
                while initialized < header.totalLength {
                    let part = try waitForPart(from: source)
                    let remaining = header.totalLength - initialized
                    guard part.byteCount > 0, part.byteCount <= remaining else {
                        throw MPIError(call: "MPI_Recv", code: -1,
                                       message: "a \(part.byteCount)-byte part does not fit the \(remaining) bytes left of the payload")
                    }
                    let slot = UnsafeMutableBufferPointer(rebasing: buffer[initialized..<(initialized + part.byteCount)])
                    initialized += try MPI.recv(into: UnsafeMutableRawBufferPointer(slot), from: source, tag: MPIFraming.partTag)
                }
            }
            deliver(from: source, tag: header.tag, payload)
        } catch {
            counters.countDropped()
            logger.error("dropped a \(header.totalLength)-byte framed payload from rank \(source): \(error)")
        }
    }

    /// The envelope of the next part from `source`. The sender posts all
    /// parts right after the header, so they come promptly; polls hot for
    /// 100 µs, then every 50 µs, and gives up after
    /// `MPIFraming.partArrivalTimeoutNanoseconds`.
    private func waitForPart(from source: Int32) throws(MPIError) -> MPIMessageInfo {
        let start = MonotonicClock.nanoseconds
        while true {
            if let part = try MPI.iprobe(source: source, tag: MPIFraming.partTag) { return part }
            let waited = MonotonicClock.nanoseconds &- start
            if waited > MPIFraming.partArrivalTimeoutNanoseconds {
                throw MPIError(call: "MPI_Iprobe", code: -1, message: "the next part did not arrive in time")
            }
            if waited > 100_000 {
                var pause = timespec(tv_sec: 0, tv_nsec: 50_000)
                nanosleep(&pause, nil)
            }
        }
    }
}
