import CZeroMQ

/// The libzmq socket patterns this transport uses.
///
/// ```swift
/// let broker = try ZMQSocket(context: context, type: .router)
/// ```
public enum ZMQSocketType: Sendable, CaseIterable, CustomStringConvertible {
    /// Addresses peers by routing id (first frame); the broker side.
    case router
    /// Load-balances to and fair-queues from its peers; the worker side.
    case dealer
    /// Exactly one peer.
    case pair
    /// Broadcasts to subscribers.
    case pub
    /// Receives what it subscribed to (see ``ZMQSocketOption/subscribe(_:)``).
    case sub

    var rawValue: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .pair: ZMQ_PAIR
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        }
    }

    public var description: String {
        switch self {
        case .router: "ROUTER"
        case .dealer: "DEALER"
        case .pair: "PAIR"
        case .pub: "PUB"
        case .sub: "SUB"
        }
    }
}
