/// Packs envelopes back to back into one frame, so that a transport sends many
/// small envelopes as one message. ``Envelope/decodeAll(_:maximumPayloadSize:)``
/// unpacks the frame.
///
/// ```swift
/// var packer = EnvelopePacker()
/// for e in ready { packer.append(e) }
/// if packer.count > 0 { socket.send(packer.take()) }
/// ```
public struct EnvelopePacker: Sendable {
    private var buffer: [UInt8] = []
    /// The number of envelopes appended since the last ``take()``.
    ///
    /// ```swift
    /// if packer.count >= 64 { flush(packer.take()) }
    /// ```
    public private(set) var count = 0

    /// Creates an empty packer.
    ///
    /// ```swift
    /// var packer = EnvelopePacker()
    /// ```
    public init() {}

    /// The size in bytes of the frame ``take()`` would return.
    ///
    /// ```swift
    /// if packer.byteCount > 1 << 20 { flush(packer.take()) }
    /// ```
    public var byteCount: Int { buffer.count }

    /// Appends one envelope to the frame.
    ///
    /// ```swift
    /// packer.append(Envelope(kind: .request, source: WorkerID(4), payload: [1, 0, 0, 0]))
    /// ```
    public mutating func append(_ envelope: Envelope) {
        envelope.encode(into: &buffer)
        count += 1
    }

    /// One frame holding `envelopes` in order (for a single envelope, its own encoding).
    ///
    /// ```swift
    /// transport.sendFrame(EnvelopePacker.frame(of: [request, result]))
    /// ```
    public static func frame(of envelopes: [Envelope]) -> [UInt8] {
        var packer = EnvelopePacker()
        for envelope in envelopes { packer.append(envelope) }
        return packer.take()
    }

    /// Returns the frame and empties the packer.
    ///
    /// ```swift
    /// let frame = packer.take()   // packer.count == 0 afterwards
    /// ```
    public mutating func take() -> [UInt8] {
        let frame = buffer
        buffer = []
        count = 0
        return frame
    }
}
