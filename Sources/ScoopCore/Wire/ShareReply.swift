/// A process's answer to the broker's share request (a `request` envelope
/// from the process with the flag ``EnvelopeFlags/shareReply``), sent after
/// the futures it shared: how many of the futures asked for it did not have.
/// It owes those (``WorkerQueuePolicy/shareBudget``); the broker asks another
/// member for them (``StealPlanner``).
///
/// On the wire: one `UInt32`, below 2²⁰; anything else is malformed.
///
/// ```swift
/// let bytes = ShareReply(shortfall: 1).payload   // 01 00 00 00
/// let reply = ShareReply(payload: bytes)          // shortfall 1
/// ```
public struct ShareReply: Equatable, Sendable {
    /// Futures asked for that the process did not have.
    public var shortfall: Int

    public init(shortfall: Int) {
        self.shortfall = shortfall
    }

    /// Parses a payload; nil when it is malformed.
    public init?(payload: [UInt8]) {
        var reader = PayloadReader(payload)
        guard let shortfall = try? reader.readUInt32(), reader.isAtEnd, shortfall < WorkRequest.countLimit else { return nil }
        self.init(shortfall: Int(shortfall))
    }

    /// The encoded payload.
    public var payload: [UInt8] {
        var writer = PayloadWriter()
        writer.writeUInt32(UInt32(clamping: min(shortfall, WorkRequest.countLimit - 1)))
        return writer.bytes
    }
}
