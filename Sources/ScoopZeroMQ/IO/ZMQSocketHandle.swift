/// Names a socket owned by a ``ZMQEventLoop``; cheap to copy and send anywhere.
///
/// ```swift
/// let handle = loop.addSocket(router) { message in print(message) }
/// loop.send([peerID, Array("hi".utf8)], on: handle)
/// ```
public struct ZMQSocketHandle: Hashable, Sendable, CustomStringConvertible {
    let id: Int

    public var description: String { "socket#\(id)" }
}
