import CZeroMQ

/// One libzmq socket. Closed by ``close()`` or when released.
///
/// **Threading contract:** libzmq sockets are not thread-safe, so this class is
/// not `Sendable`: one thread at a time uses it. To hand it to another thread
/// (as ``ZMQEventLoop/addSocket(_:onMessage:onSendFailure:)`` does), or to
/// share it between threads behind a mutex (as `DirectSendSocket` does), give
/// up every reference; the lock is the full memory barrier libzmq asks for
/// when a socket migrates.
///
/// ```swift
/// let router = try ZMQSocket(context: context, type: .router)
/// try router.bind("tcp://127.0.0.1:*")
/// let endpoint = try router.lastEndpoint      // "tcp://127.0.0.1:41234"
/// let dealer = try ZMQSocket(context: context, type: .dealer)
/// try dealer.connect(endpoint)
/// try dealer.send(frames: [Array("hello".utf8)])
/// let message = try router.receiveMultipart()  // [routingID, "hello"]
/// ```
public final class ZMQSocket {
    /// The socket pattern.
    public let type: ZMQSocketType
    /// Keeps the context alive while the socket is open.
    private let context: ZMQContext
    /// The `void *` of `zmq_socket`, nil once closed.
    private(set) var handle: UnsafeMutableRawPointer?

    /// Opens a socket of `type` in `context`.
    ///
    /// ```swift
    /// let dealer = try ZMQSocket(context: context, type: .dealer)
    /// ```
    public init(context: ZMQContext, type: ZMQSocketType) throws(ZMQError) {
        let raw = try context.makeSocket(type.rawValue, operation: "zmq_socket(\(type))")
        self.type = type
        self.context = context
        self.handle = raw
    }

    deinit { close() }

    /// Whether ``close()`` has not been called yet.
    public var isOpen: Bool { handle != nil }

    /// Closes the socket; messages still queued in libzmq get the socket's
    /// linger. Later calls do nothing.
    ///
    /// ```swift
    /// try socket.set(.linger(.zero))
    /// socket.close()
    /// ```
    public func close() {
        guard let raw = handle else { return }
        handle = nil
        zmq_close(raw)
    }

    /// Binds to `endpoint`, e.g. `tcp://127.0.0.1:*` (port picked by the OS:
    /// read it back from ``lastEndpoint``), `ipc:///tmp/x` or `inproc://name`.
    ///
    /// ```swift
    /// try socket.bind("tcp://127.0.0.1:*")
    /// ```
    public func bind(_ endpoint: String) throws(ZMQError) {
        let operation = "zmq_bind(\(endpoint))"
        if zmq_bind(try open(operation), endpoint) != 0 { throw ZMQError.last(operation) }
    }

    /// Connects to `endpoint`. Connecting is asynchronous in libzmq: an
    /// unreachable peer is not an error, a malformed endpoint is.
    ///
    /// ```swift
    /// try socket.connect("tcp://10.0.0.1:5555")
    /// ```
    public func connect(_ endpoint: String) throws(ZMQError) {
        let operation = "zmq_connect(\(endpoint))"
        if zmq_connect(try open(operation), endpoint) != 0 { throw ZMQError.last(operation) }
    }

    /// Stops connecting to `endpoint` (a string given to ``connect(_:)``).
    ///
    /// ```swift
    /// try socket.disconnect("tcp://10.0.0.1:5555")
    /// ```
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        let operation = "zmq_disconnect(\(endpoint))"
        if zmq_disconnect(try open(operation), endpoint) != 0 { throw ZMQError.last(operation) }
    }

    /// The endpoint of the last bind or connect, with the port or path the
    /// system picked for a wildcard (`ZMQ_LAST_ENDPOINT`); empty before any.
    ///
    /// ```swift
    /// try socket.bind("tcp://127.0.0.1:*")
    /// let endpoint = try socket.lastEndpoint  // "tcp://127.0.0.1:41234"
    /// ```
    public var lastEndpoint: String {
        get throws(ZMQError) {
            let operation = "zmq_getsockopt(ZMQ_LAST_ENDPOINT)"
            let raw = try open(operation)
            var buffer = [CChar](repeating: 0, count: 1024)
            var size = buffer.count
            if zmq_getsockopt(raw, ZMQ_LAST_ENDPOINT, &buffer, &size) != 0 { throw ZMQError.last(operation) }
            return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Sets one option.
    ///
    /// ```swift
    /// try socket.set(.routerMandatory(true))
    /// ```
    public func set(_ option: ZMQSocketOption) throws(ZMQError) {
        let (name, label, value) = option.encoded
        let operation = "zmq_setsockopt(\(label))"
        let raw = try open(operation)
        let status: Int32
        switch value {
        case .int32(var v): status = zmq_setsockopt(raw, name, &v, MemoryLayout<Int32>.size)
        case .int64(var v): status = zmq_setsockopt(raw, name, &v, MemoryLayout<Int64>.size)
        case .bytes(let bytes): status = bytes.withUnsafeBytes { zmq_setsockopt(raw, name, $0.baseAddress, $0.count) }
        }
        if status != 0 { throw ZMQError.last(operation) }
    }

    /// The raw socket, or `ENOTSOCK` once closed.
    func open(_ operation: String) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(code: ZMQError.notSocket, operation: operation) }
        return handle
    }
}

@available(*, unavailable, message: "libzmq sockets are not thread-safe; hand them to a ZMQEventLoop (or a DirectSendSocket) instead")
extension ZMQSocket: Sendable {}
