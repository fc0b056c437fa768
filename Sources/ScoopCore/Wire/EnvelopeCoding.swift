// The envelope's binary layout: a fixed 40-byte little-endian header, then the payload.
//
//   offset size field
//   ------ ---- -----------------------------------------------------------------
//        0    2 magic       UInt16 0x5343, i.e. the bytes 0x43 0x53 ("CS") on the wire
//        2    1 version     UInt8, `Envelope.protocolVersion`
//        3    1 kind        UInt8, `EnvelopeKind.rawValue`
//        4    2 flags       UInt16, `EnvelopeFlags.rawValue`; unknown bits are kept, not refused
//        6    2 reserved    UInt16, written as 0, ignored when read
//        8    8 futureID    UInt64
//       16    8 parentID    UInt64
//       24    4 functionID  UInt32
//       28    4 source      UInt32 (WorkerID)
//       32    4 target      UInt32 (WorkerID)
//       36    4 length      UInt32, the number of payload bytes that follow
//       40    … payload
//
// A packed frame is several envelopes back to back, with nothing in between.

extension Envelope {
    /// The magic number that starts every envelope: `0x5343`, stored little-endian,
    /// so the first two bytes on the wire are `0x43 0x53` ("CS").
    ///
    /// ```swift
    /// let looksLikeAnEnvelope = bytes.count >= 2 && bytes[0] == 0x43 && bytes[1] == 0x53
    /// ```
    public static let magic: UInt16 = 0x5343

    /// The size in bytes of the fixed header that precedes the payload.
    ///
    /// ```swift
    /// let e = Envelope(kind: .heartbeat, source: WorkerID(3))
    /// assert(e.encodedSize == Envelope.headerSize)
    /// ```
    public static let headerSize = 40

    /// The largest payload ``decode(from:maximumPayloadSize:)`` accepts by default:
    /// 2 GiB − 1. A receiver that knows its messages are smaller passes its own limit,
    /// so that a corrupt length cannot make it wait for, or allocate, gigabytes.
    ///
    /// ```swift
    /// let e = try Envelope.decode(bytes, maximumPayloadSize: 64 << 20)   // 64 MiB
    /// ```
    public static let defaultMaximumPayloadSize: Int = 1 << 31 - 1

    /// The number of bytes ``encode(into:)`` appends: the header plus the payload.
    ///
    /// ```swift
    /// let e = Envelope(kind: .task, source: .origin, payload: [1, 2, 3])
    /// assert(e.encodedSize == 43)
    /// ```
    public var encodedSize: Int { Self.headerSize + payload.count }

    /// Appends this envelope (header, then payload) to `buffer`.
    ///
    /// The payload must be shorter than 4 GiB (its length is a `UInt32`); a longer
    /// one is a programming error and traps.
    ///
    /// ```swift
    /// var frame: [UInt8] = []
    /// Envelope(kind: .heartbeat, source: WorkerID(1)).encode(into: &frame)
    /// Envelope(kind: .heartbeat, source: WorkerID(2)).encode(into: &frame)
    /// assert(frame.count == 2 * Envelope.headerSize)
    /// ```
    public func encode(into buffer: inout [UInt8]) {
        precondition(
            payload.count <= Int(UInt32.max),
            "wire: an envelope payload must be smaller than 4 GiB (got \(payload.count) bytes)"
        )
        let start = buffer.count
        buffer.reserveCapacity(start + encodedSize)
        buffer.append(contentsOf: repeatElement(0, count: Self.headerSize))
        buffer.withUnsafeMutableBytes { raw in
            let header = UnsafeMutableRawBufferPointer(rebasing: raw[start...])
            header.storeBytes(of: Self.magic.littleEndian, toByteOffset: 0, as: UInt16.self)
            header.storeBytes(of: Self.protocolVersion, toByteOffset: 2, as: UInt8.self)
            header.storeBytes(of: kind.rawValue, toByteOffset: 3, as: UInt8.self)
            header.storeBytes(of: flags.rawValue.littleEndian, toByteOffset: 4, as: UInt16.self)
            header.storeBytes(of: UInt16(0), toByteOffset: 6, as: UInt16.self)
            header.storeBytes(of: futureID.rawValue.littleEndian, toByteOffset: 8, as: UInt64.self)
            header.storeBytes(of: parentID.rawValue.littleEndian, toByteOffset: 16, as: UInt64.self)
            header.storeBytes(of: functionID.rawValue.littleEndian, toByteOffset: 24, as: UInt32.self)
            header.storeBytes(of: source.rawValue.littleEndian, toByteOffset: 28, as: UInt32.self)
            header.storeBytes(of: target.rawValue.littleEndian, toByteOffset: 32, as: UInt32.self)
            header.storeBytes(
                of: UInt32(truncatingIfNeeded: payload.count).littleEndian, toByteOffset: 36, as: UInt32.self)
        }
        buffer.append(contentsOf: payload)
    }

    /// This envelope's bytes: the header, then the payload.
    ///
    /// ```swift
    /// let bytes = Envelope(kind: .shutdown, source: .origin).encoded()
    /// let back = try Envelope.decode(bytes)
    /// ```
    public func encoded() -> [UInt8] {
        var buffer: [UInt8] = []
        encode(into: &buffer)
        return buffer
    }

    /// Decodes exactly one envelope at the start of `bytes`; returns it and the number
    /// of bytes consumed. Bytes after it are left alone (see ``decodeAll(_:maximumPayloadSize:)``).
    ///
    /// Checks, in order: magic, version, header length, kind, declared payload length
    /// (against `maximumPayloadSize`, then against the bytes available). Unknown flag
    /// bits and a non-zero reserved field are accepted, so that a newer peer may
    /// add optional flags without breaking an older one.
    ///
    /// ```swift
    /// let (envelope, used) = try bytes.withUnsafeBytes { try Envelope.decode(from: $0) }
    /// ```
    public static func decode(
        from bytes: UnsafeRawBufferPointer,
        maximumPayloadSize: Int = Envelope.defaultMaximumPayloadSize
    ) throws(WireError) -> (Envelope, Int) {
        let available = bytes.count
        if available >= 2 {
            let magic = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
            guard magic == Self.magic else { throw .badMagic(found: magic) }
        }
        if available >= 3 {
            let version = bytes[2]
            guard version == protocolVersion else {
                throw .unsupportedVersion(found: version, supported: protocolVersion)
            }
        }
        guard available >= headerSize else { throw .truncated(needed: headerSize, available: available) }
        guard let kind = EnvelopeKind(rawValue: bytes[3]) else { throw .unknownKind(bytes[3]) }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 36, as: UInt32.self)))
        guard length <= maximumPayloadSize else {
            throw .payloadTooLarge(declared: length, limit: maximumPayloadSize)
        }
        let total = headerSize + length
        guard total <= available else { throw .truncated(needed: total, available: available) }

        func load<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        let envelope = Envelope(
            kind: kind,
            flags: EnvelopeFlags(rawValue: load(4, UInt16.self)),
            futureID: FutureID(rawValue: load(8, UInt64.self)),
            parentID: FutureID(rawValue: load(16, UInt64.self)),
            functionID: FunctionID(rawValue: load(24, UInt32.self)),
            source: WorkerID(rawValue: load(28, UInt32.self)),
            target: WorkerID(rawValue: load(32, UInt32.self)),
            payload: Array(UnsafeRawBufferPointer(rebasing: bytes[headerSize..<total]))
        )
        return (envelope, total)
    }

    /// Decodes `bytes` as exactly one envelope; trailing bytes are an error
    /// (``WireError/trailingBytes(_:)``).
    ///
    /// ```swift
    /// let e = try Envelope.decode(message)
    /// ```
    public static func decode(
        _ bytes: [UInt8],
        maximumPayloadSize: Int = Envelope.defaultMaximumPayloadSize
    ) throws(WireError) -> Envelope {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(WireError) in try decode(from: raw, maximumPayloadSize: maximumPayloadSize) }
        }
        let (envelope, used) = try result.get()
        guard used == bytes.count else { throw .trailingBytes(bytes.count - used) }
        return envelope
    }

    /// Decodes a packed frame: envelopes back to back, as ``EnvelopePacker`` makes them
    /// (brokers pack many small envelopes into one message). An empty frame decodes
    /// to no envelopes. Any bad envelope fails the whole frame.
    ///
    /// ```swift
    /// let envelopes = try message.withUnsafeBytes { try Envelope.decodeAll($0) }
    /// ```
    public static func decodeAll(
        _ bytes: UnsafeRawBufferPointer,
        maximumPayloadSize: Int = Envelope.defaultMaximumPayloadSize
    ) throws(WireError) -> [Envelope] {
        var envelopes: [Envelope] = []
        var offset = 0
        while offset < bytes.count {
            let (envelope, used) = try decode(
                from: UnsafeRawBufferPointer(rebasing: bytes[offset...]), maximumPayloadSize: maximumPayloadSize)
            envelopes.append(envelope)
            offset += used
        }
        return envelopes
    }
}
