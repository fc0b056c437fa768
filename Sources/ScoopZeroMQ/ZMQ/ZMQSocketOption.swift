import CZeroMQ

/// A socket option and its value, for ``ZMQSocket/set(_:)``.
///
/// Durations are rounded to whole milliseconds (seconds for the TCP keepalive
/// timers; libzmq keeps heartbeat TTLs in deciseconds). CURVE keys are either
/// 32 raw bytes or the 40 characters of their Z85 text (`Array(z85.utf8)`).
///
/// ```swift
/// try socket.set(.linger(.zero))
/// try socket.set(.sendHighWaterMark(10_000))
/// try socket.set(.curveServerKey(Array(serverPublicKey.utf8)))
/// ```
public enum ZMQSocketOption: Sendable {
    /// How long unsent messages keep the context alive after close (`ZMQ_LINGER`); nil waits forever.
    case linger(Duration?)
    /// Outgoing queue limit in messages, 0 for none (`ZMQ_SNDHWM`).
    case sendHighWaterMark(Int32)
    /// Incoming queue limit in messages, 0 for none (`ZMQ_RCVHWM`).
    case receiveHighWaterMark(Int32)
    /// Peers sending a larger message are disconnected; -1 for no limit (`ZMQ_MAXMSGSIZE`).
    case maxMessageSize(Int64)
    /// The id a ROUTER peer sees for this socket; set before connecting (`ZMQ_ROUTING_ID`).
    case routingID([UInt8])
    /// A ROUTER fails with `EHOSTUNREACH`/`EAGAIN` instead of dropping silently (`ZMQ_ROUTER_MANDATORY`).
    case routerMandatory(Bool)
    /// Turns TCP keepalive on or off (`ZMQ_TCP_KEEPALIVE`).
    case tcpKeepAlive(Bool)
    /// Idle time before the first keepalive probe (`ZMQ_TCP_KEEPALIVE_IDLE`).
    case tcpKeepAliveIdle(Duration)
    /// Time between keepalive probes (`ZMQ_TCP_KEEPALIVE_INTVL`).
    case tcpKeepAliveInterval(Duration)
    /// Unanswered probes before the connection is dropped (`ZMQ_TCP_KEEPALIVE_CNT`).
    case tcpKeepAliveCount(Int32)
    /// Queue messages only to completed connections (`ZMQ_IMMEDIATE`).
    case immediate(Bool)
    /// Send a ZMTP PING this often (`ZMQ_HEARTBEAT_IVL`).
    case heartbeatInterval(Duration)
    /// Drop the connection when no traffic arrives this long after a PING (`ZMQ_HEARTBEAT_TIMEOUT`).
    case heartbeatTimeout(Duration)
    /// Ask the peer to drop the connection after this long without traffic (`ZMQ_HEARTBEAT_TTL`).
    case heartbeatTTL(Duration)
    /// Maximum time for the ZMTP handshake, including CURVE (`ZMQ_HANDSHAKE_IVL`).
    case handshakeInterval(Duration)
    /// Act as the CURVE server (needs ``curveSecretKey(_:)``) (`ZMQ_CURVE_SERVER`).
    case curveServer(Bool)
    /// This socket's long-term CURVE public key (`ZMQ_CURVE_PUBLICKEY`).
    case curvePublicKey([UInt8])
    /// This socket's long-term CURVE secret key (`ZMQ_CURVE_SECRETKEY`).
    case curveSecretKey([UInt8])
    /// The server's public key, which makes this socket a CURVE client (`ZMQ_CURVE_SERVERKEY`).
    case curveServerKey([UInt8])
    /// SUB only: receive messages starting with this prefix (empty: everything) (`ZMQ_SUBSCRIBE`).
    case subscribe([UInt8])
    /// SUB only: undo a ``subscribe(_:)`` (`ZMQ_UNSUBSCRIBE`).
    case unsubscribe([UInt8])

    /// The libzmq option name and its value as bytes for `zmq_setsockopt`.
    var encoded: (name: Int32, label: String, value: Encoded) {
        switch self {
        case .linger(let d): (ZMQ_LINGER, "ZMQ_LINGER", .int32(d.map(Self.milliseconds) ?? -1))
        case .sendHighWaterMark(let n): (ZMQ_SNDHWM, "ZMQ_SNDHWM", .int32(n))
        case .receiveHighWaterMark(let n): (ZMQ_RCVHWM, "ZMQ_RCVHWM", .int32(n))
        case .maxMessageSize(let n): (ZMQ_MAXMSGSIZE, "ZMQ_MAXMSGSIZE", .int64(n))
        case .routingID(let id): (ZMQ_ROUTING_ID, "ZMQ_ROUTING_ID", .bytes(id))
        case .routerMandatory(let on): (ZMQ_ROUTER_MANDATORY, "ZMQ_ROUTER_MANDATORY", .int32(on ? 1 : 0))
        case .tcpKeepAlive(let on): (ZMQ_TCP_KEEPALIVE, "ZMQ_TCP_KEEPALIVE", .int32(on ? 1 : 0))
        case .tcpKeepAliveIdle(let d): (ZMQ_TCP_KEEPALIVE_IDLE, "ZMQ_TCP_KEEPALIVE_IDLE", .int32(Self.seconds(d)))
        case .tcpKeepAliveInterval(let d):
            (ZMQ_TCP_KEEPALIVE_INTVL, "ZMQ_TCP_KEEPALIVE_INTVL", .int32(Self.seconds(d)))
        case .tcpKeepAliveCount(let n): (ZMQ_TCP_KEEPALIVE_CNT, "ZMQ_TCP_KEEPALIVE_CNT", .int32(n))
        case .immediate(let on): (ZMQ_IMMEDIATE, "ZMQ_IMMEDIATE", .int32(on ? 1 : 0))
        case .heartbeatInterval(let d): (ZMQ_HEARTBEAT_IVL, "ZMQ_HEARTBEAT_IVL", .int32(Self.milliseconds(d)))
        case .heartbeatTimeout(let d): (ZMQ_HEARTBEAT_TIMEOUT, "ZMQ_HEARTBEAT_TIMEOUT", .int32(Self.milliseconds(d)))
        case .heartbeatTTL(let d): (ZMQ_HEARTBEAT_TTL, "ZMQ_HEARTBEAT_TTL", .int32(Self.milliseconds(d)))
        case .handshakeInterval(let d): (ZMQ_HANDSHAKE_IVL, "ZMQ_HANDSHAKE_IVL", .int32(Self.milliseconds(d)))
        case .curveServer(let on): (ZMQ_CURVE_SERVER, "ZMQ_CURVE_SERVER", .int32(on ? 1 : 0))
        case .curvePublicKey(let key): (ZMQ_CURVE_PUBLICKEY, "ZMQ_CURVE_PUBLICKEY", .bytes(key))
        case .curveSecretKey(let key): (ZMQ_CURVE_SECRETKEY, "ZMQ_CURVE_SECRETKEY", .bytes(key))
        case .curveServerKey(let key): (ZMQ_CURVE_SERVERKEY, "ZMQ_CURVE_SERVERKEY", .bytes(key))
        case .subscribe(let prefix): (ZMQ_SUBSCRIBE, "ZMQ_SUBSCRIBE", .bytes(prefix))
        case .unsubscribe(let prefix): (ZMQ_UNSUBSCRIBE, "ZMQ_UNSUBSCRIBE", .bytes(prefix))
        }
    }

    enum Encoded {
        case int32(Int32)
        case int64(Int64)
        case bytes([UInt8])
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        guard !ms.overflow else { return seconds < 0 ? 0 : .max }
        let total = ms.partialValue + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }

    static func seconds(_ duration: Duration) -> Int32 {
        Int32(clamping: max(0, duration.components.seconds))
    }
}
