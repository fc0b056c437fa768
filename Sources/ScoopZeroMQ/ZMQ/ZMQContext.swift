import CZeroMQ
import Synchronization

/// A libzmq context: the I/O threads behind every socket made from it.
///
/// Contexts are thread-safe in libzmq, so this class is `Sendable`. Sockets
/// keep their context alive; the context terminates when the last reference
/// goes away, or earlier with ``close()``. It is created with `ZMQ_BLOCKY`
/// off, so a socket without an explicit linger never makes termination wait
/// for unsent messages.
///
/// ```swift
/// let context = try ZMQContext()
/// let socket = try ZMQSocket(context: context, type: .dealer)
/// ```
public final class ZMQContext: Sendable {
    /// The address of `zmq_ctx_new`'s context, 0 once closed. The lock keeps
    /// `close()` from freeing it while a socket is being created.
    private let handle: Mutex<UInt>

    /// Creates a context with `ioThreads` libzmq I/O threads.
    ///
    /// ```swift
    /// let context = try ZMQContext(ioThreads: 2)
    /// ```
    public init(ioThreads: Int32 = 1) throws(ZMQError) {
        guard let raw = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        if zmq_ctx_set(raw, ZMQ_IO_THREADS, ioThreads) != 0 || zmq_ctx_set(raw, ZMQ_BLOCKY, 0) != 0 {
            let error = ZMQError.last("zmq_ctx_set")
            zmq_ctx_term(raw)
            throw error
        }
        handle = Mutex(UInt(bitPattern: raw))
    }

    /// Terminates the context. Blocking calls on its sockets in other threads
    /// fail with `ETERM`; the call returns once every socket of the context is
    /// closed (so never call it while this thread still holds an open socket).
    /// Later calls do nothing.
    ///
    /// ```swift
    /// socket.close()
    /// context.close()
    /// ```
    public func close() {
        terminate(handle.withLock { raw in defer { raw = 0 }; return raw })
    }

    /// `zmq_socket` in this context; `ETERM` once closed.
    func makeSocket(_ type: Int32, operation: String) throws(ZMQError) -> UnsafeMutableRawPointer {
        let (address, code): (UInt, Int32) = handle.withLock { raw in
            guard let context = UnsafeMutableRawPointer(bitPattern: raw) else { return (0, ZMQError.terminated) }
            guard let socket = zmq_socket(context, type) else { return (0, zmq_errno()) }
            return (UInt(bitPattern: socket), 0)
        }
        guard let socket = UnsafeMutableRawPointer(bitPattern: address) else {
            throw ZMQError(code: code, operation: operation)
        }
        return socket
    }

    deinit {
        terminate(handle.withLock { $0 })
    }

    private func terminate(_ address: UInt) {
        guard let raw = UnsafeMutableRawPointer(bitPattern: address) else { return }
        while zmq_ctx_term(raw) != 0 && zmq_errno() == ZMQError.interrupted {}
    }
}
