/// Work handed to the loop thread through the loop's locked queue, in order.
enum EventLoopCommand: Sendable {
    case add(ZMQSocketHandle, SocketTransfer, ZMQEventLoop.Callbacks)
    case send(ZMQSocketHandle, [[UInt8]])
    case perform(ZMQSocketHandle, @Sendable (ZMQSocket) -> Void)
    case close(ZMQSocketHandle)
}

/// Carries a socket from the thread that made it to the loop thread.
///
/// `@unchecked Sendable` under a single-thread contract: the creator gives up
/// every reference (``ZMQEventLoop/addSocket(_:onMessage:onSendFailure:)``
/// takes the socket as `sending`), the box crosses threads only inside the
/// loop's `Mutex` (the full fence libzmq requires to migrate a socket), and
/// from then on only the loop thread touches the socket.
final class SocketTransfer: @unchecked Sendable {
    let socket: ZMQSocket

    init(_ socket: sending ZMQSocket) { self.socket = socket }
}
