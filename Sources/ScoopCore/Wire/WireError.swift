/// Why bytes received from a peer could not be decoded as envelopes.
///
/// Every case is recoverable: a transport drops the message, counts it, and
/// tells or cuts off the sender. Decoding never traps on bad input.
///
/// ```swift
/// do {
///     let envelope = try Envelope.decode(bytes)
///     route(envelope)
/// } catch {
///     log.warning("dropping a message: \(error)")   // "wire: bad magic 0x4745 …"
/// }
/// ```
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than the header, or than the header plus its declared payload.
    case truncated(needed: Int, available: Int)
    /// The first two bytes are not the envelope magic (`0x43 0x53`, "CS").
    case badMagic(found: UInt16)
    /// The sender speaks another version of the wire protocol.
    case unsupportedVersion(found: UInt8, supported: UInt8)
    /// The kind byte names no ``EnvelopeKind``.
    case unknownKind(UInt8)
    /// The declared payload length is larger than the receiver accepts.
    case payloadTooLarge(declared: Int, limit: Int)
    /// Bytes were left after the one envelope that was expected.
    case trailingBytes(Int)

    /// A sentence for the log, starting with `wire:`.
    ///
    /// ```swift
    /// print(WireError.trailingBytes(2))   // wire: 2 unexpected bytes after the envelope
    /// ```
    public var description: String {
        switch self {
        case let .truncated(needed, available):
            "wire: truncated envelope: needed \(needed) bytes, only \(available) available"
        case let .badMagic(found):
            "wire: bad magic 0x\(String(found, radix: 16, uppercase: true)) (expected 0x\(String(Envelope.magic, radix: 16, uppercase: true))); the peer is not a SCOOP process or the stream is out of sync"
        case let .unsupportedVersion(found, supported):
            "wire: unsupported protocol version \(found) (this build speaks \(supported)); are all processes running the same binary?"
        case let .unknownKind(kind):
            "wire: unknown envelope kind \(kind); are all processes running the same binary?"
        case let .payloadTooLarge(declared, limit):
            "wire: declared payload of \(declared) bytes exceeds the limit of \(limit) bytes"
        case let .trailingBytes(count):
            "wire: \(count) unexpected bytes after the envelope"
        }
    }
}
