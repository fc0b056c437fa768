import CZeroMQ

/// A failed libzmq call: the operation, its `errno` and libzmq's text for it.
///
/// ```swift
/// do {
///     try socket.connect("tcp://nowhere")
/// } catch {
///     print(error)  // zmq_connect(tcp://nowhere): Invalid argument
/// }
/// ```
public struct ZMQError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The `errno` value reported by libzmq (`zmq_errno()`).
    public let code: Int32
    /// The call that failed, with its main argument, e.g. `zmq_connect(tcp://10.0.0.1:5555)`.
    public let operation: String

    /// An error with an explicit code.
    ///
    /// ```swift
    /// let error = ZMQError(code: ZMQError.invalidArgument, operation: "send(frames: [])")
    /// ```
    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The error of the libzmq call that just failed on this thread.
    ///
    /// ```swift
    /// if zmq_bind(handle, endpoint) != 0 { throw ZMQError.last("zmq_bind(\(endpoint))") }
    /// ```
    public static func last(_ operation: String) -> ZMQError {
        ZMQError(code: zmq_errno(), operation: operation)
    }

    /// libzmq's text for `code` (`zmq_strerror`).
    ///
    /// ```swift
    /// ZMQError(code: ZMQError.terminated, operation: "x").message  // "Context was terminated"
    /// ```
    public var message: String { String(cString: zmq_strerror(code)) }

    public var description: String { "\(operation): \(message)" }

    /// `EAGAIN`: a non-blocking call would have blocked.
    ///
    /// ```swift
    /// loop.addSocket(router, onMessage: handle) { frames, error in
    ///     if error.isHostUnreachable { forgetPeer(frames[0]) }
    /// }
    /// ```
    public var isWouldBlock: Bool { code == Self.wouldBlock }
    /// `ETERM`: the context was terminated.
    public var isTerminated: Bool { code == Self.terminated }
    /// `EHOSTUNREACH`: a ROUTER with `routerMandatory` does not know the peer.
    public var isHostUnreachable: Bool { code == Self.hostUnreachable }

    /// `EAGAIN`.
    public static var wouldBlock: Int32 { scoop_zmq_eagain() }
    /// `EINTR`.
    public static var interrupted: Int32 { scoop_zmq_eintr() }
    /// `EINVAL`.
    public static var invalidArgument: Int32 { scoop_zmq_einval() }
    /// `ETERM`.
    public static var terminated: Int32 { scoop_zmq_eterm() }
    /// `EHOSTUNREACH`.
    public static var hostUnreachable: Int32 { scoop_zmq_ehostunreach() }
    /// `ENOTSOCK`: the socket was closed.
    public static var notSocket: Int32 { scoop_zmq_enotsock() }
}
