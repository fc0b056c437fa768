import CZeroMQ

/// One event from a socket monitor (`zmq_socket_monitor`): what happened,
/// its value (a file descriptor, an error or a protocol error code, depending
/// on the event) and the endpoint it concerns.
///
/// ```swift
/// try router.monitor(at: "inproc://monitor", events: ZMQMonitorEvent.handshakeEvents)
/// let pair = try ZMQSocket(context: context, type: .pair)
/// try pair.connect("inproc://monitor")
/// if let frames = try pair.receiveMultipart(), let event = ZMQMonitorEvent(frames: frames) { print(event) }
/// ```
public struct ZMQMonitorEvent: Sendable, Equatable {
    /// The `ZMQ_EVENT_*` bit.
    public var event: UInt16
    /// The event's value: the descriptor for `ACCEPTED`/`DISCONNECTED`, the
    /// protocol error for `HANDSHAKE_FAILED_PROTOCOL`, the ZAP status for `..._AUTH`.
    public var value: UInt32
    /// The endpoint (for a bound socket: the bound address, not the peer's).
    public var endpoint: String

    /// Accepted, disconnected and every handshake outcome.
    public static let handshakeEvents: Int32 = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED
        | ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
        | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH

    /// Parses the two frames of a monitor message (6 bytes: event, value in
    /// host byte order; then the endpoint); nil if they are not one.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let bytes = frames[0]
        event = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt16.self) }
        value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self) }
        endpoint = String(decoding: frames[1], as: UTF8.self)
    }
}

extension ZMQSocket {
    /// Publishes this socket's `events` (a mask of `ZMQ_EVENT_*`) on a PAIR
    /// socket bound at `endpoint` (`inproc://` only); connect a PAIR socket
    /// to it before binding or connecting this one, or the first events are lost.
    ///
    /// ```swift
    /// try router.monitor(at: "inproc://router-events", events: ZMQMonitorEvent.handshakeEvents)
    /// ```
    public func monitor(at endpoint: String, events: Int32) throws(ZMQError) {
        let operation = "zmq_socket_monitor(\(endpoint))"
        if zmq_socket_monitor(try open(operation), endpoint, events) != 0 { throw ZMQError.last(operation) }
    }
}

/// The peer address of a connected socket descriptor ("127.0.0.1:50412"), or
/// nil once it is closed.
///
/// ```swift
/// let address = peerAddress(ofDescriptor: Int32(event.value))
/// ```
func peerAddress(ofDescriptor descriptor: Int32) -> String? {
    var buffer = [CChar](repeating: 0, count: 128)
    guard scoop_peer_address(descriptor, &buffer, buffer.count) == 0 else { return nil }
    return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
