/// Why the broker (or a worker's transport) dropped a message it received.
///
/// Every dropped message is counted under one reason (``BrokerCore/Counters``)
/// and logged, rate-limited so that a flood cannot flood the log.
///
/// ```swift
/// let reason = DropReason(WireError.badMagic(found: 0x4745))   // .badHeader
/// print(reason)                                                 // bad magic or version
/// ```
public enum DropReason: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Not an envelope at all, an unknown kind, trailing bytes, the wrong
    /// number of frames, or a control message whose payload does not parse.
    case unreadable
    /// Fewer bytes than the header or its declared payload.
    case truncated
    /// Wrong magic number or another protocol version.
    case badHeader
    /// A declared payload larger than the message size limit.
    case oversize
    /// From a peer that is not in the pool (never joined, or not a worker's routing id).
    case unknownPeer
    /// A result for a future the broker does not know (finished, never seen, or
    /// bogus), or a cancel from a peer that does not own the future.
    case unknownFuture
    /// A join beyond the joins-per-second limit.
    case joinFlood
    /// From a peer cut off after too many malformed messages.
    case cutOff

    /// The category of a decoding failure.
    public init(_ error: WireError) {
        switch error {
        case .truncated: self = .truncated
        case .badMagic, .unsupportedVersion: self = .badHeader
        case .payloadTooLarge: self = .oversize
        case .unknownKind, .trailingBytes: self = .unreadable
        }
    }

    public var description: String {
        switch self {
        case .unreadable: "unreadable"
        case .truncated: "truncated"
        case .badHeader: "bad magic or version"
        case .oversize: "oversize"
        case .unknownPeer: "unknown peer"
        case .unknownFuture: "unknown future"
        case .joinFlood: "join flood"
        case .cutOff: "from a cut-off peer"
        }
    }

    /// Where ``BrokerCore/Counters`` counts this reason.
    var counter: WritableKeyPath<BrokerCore.Counters, Int> {
        switch self {
        case .unreadable: \.unreadable
        case .truncated: \.truncated
        case .badHeader: \.badHeader
        case .oversize: \.oversize
        case .unknownPeer: \.unknownPeer
        case .unknownFuture: \.unknownFuture
        case .joinFlood: \.joinFlood
        case .cutOff: \.cutOff
        }
    }

    /// Whether this drop counts against the sender (see ``BrokerLimits/strikesBeforeCutOff``).
    /// A result for an unknown future may be a late answer from a worker
    /// declared lost, and a message from a cut-off peer is already ignored.
    var isStrike: Bool { self != .unknownFuture && self != .cutOff }
}
