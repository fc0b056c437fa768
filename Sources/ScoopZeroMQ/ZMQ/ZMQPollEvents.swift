import CZeroMQ

/// What to wait for, or what happened, on one entry of a ``ZMQPoller``.
///
/// ```swift
/// if poller.events(at: index).contains(.readable) { ... }
/// ```
public struct ZMQPollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// A message can be received (`ZMQ_POLLIN`; a descriptor is readable).
    public static let readable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent without blocking (`ZMQ_POLLOUT`).
    public static let writable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLOUT))
    /// An error condition on a raw descriptor (`ZMQ_POLLERR`).
    public static let error = ZMQPollEvents(rawValue: Int16(ZMQ_POLLERR))
}
