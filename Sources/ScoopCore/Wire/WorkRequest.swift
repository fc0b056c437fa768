/// What a process asks the broker for (the payload of its `request`
/// envelope): how many futures it can start now, and how many more it asks
/// for ahead, to hold until a running future ends.
///
/// On the wire: `UInt32` for idle slots, then, only when some are asked
/// ahead, a second `UInt32`. A payload of one count is a request without
/// lookahead (as before lookahead existed). Each count is below 2²⁰, and
/// together they ask for at least one future; anything else is malformed.
///
/// ```swift
/// let bytes = WorkRequest(forIdleSlots: 0, ahead: 1).payload  // 00 00 00 00 01 00 00 00
/// let request = WorkRequest(payload: bytes)                   // forIdleSlots 0, ahead 1
/// ```
public struct WorkRequest: Equatable, Sendable {
    /// Futures the process can start at once.
    public var forIdleSlots: Int
    /// Futures it will start when running ones end.
    public var ahead: Int

    /// Each count's bound (exclusive).
    public static let countLimit = 1 << 20

    public init(forIdleSlots: Int, ahead: Int = 0) {
        self.forIdleSlots = forIdleSlots
        self.ahead = ahead
    }

    /// Parses a payload; nil when it is malformed.
    public init?(payload: [UInt8]) {
        var reader = PayloadReader(payload)
        guard let idle = try? reader.readUInt32() else { return nil }
        var ahead: UInt32 = 0
        if !reader.isAtEnd {
            guard let value = try? reader.readUInt32(), reader.isAtEnd else { return nil }
            ahead = value
        }
        guard idle < Self.countLimit, ahead < Self.countLimit, idle + ahead > 0 else { return nil }
        self.init(forIdleSlots: Int(idle), ahead: Int(ahead))
    }

    /// The encoded payload.
    public var payload: [UInt8] {
        var writer = PayloadWriter()
        writer.writeUInt32(UInt32(forIdleSlots))
        if ahead > 0 { writer.writeUInt32(UInt32(ahead)) }
        return writer.bytes
    }
}
