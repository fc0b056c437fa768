/// Encodes a whole value into a payload and decodes it back: task arguments,
/// results, errors and shared constants.
///
/// ```swift
/// let bytes = try PayloadCodec.encode(Config(depth: 3, names: ["a", "b"]))
/// let config = try PayloadCodec.decode(Config.self, from: bytes)
/// ```
///
/// The format is compact and not self-describing (see `PayloadEncoder.swift`):
/// decode with the type that was encoded.
public enum PayloadCodec {
    /// The payload bytes of `value`.
    ///
    /// ```swift
    /// let bytes = try PayloadCodec.encode([1.0, 2.0, 3.0])
    /// ```
    public static func encode<T: Encodable>(_ value: T) throws(PayloadError) -> [UInt8] {
        var writer = PayloadWriter()
        try writer.write(value)
        return writer.bytes
    }

    /// Decodes a `T` from the whole of `bytes`; bytes left over are an error
    /// (``PayloadError/Reason/trailingBytes(type:count:)``).
    ///
    /// ```swift
    /// let values = try PayloadCodec.decode([Double].self, from: bytes)
    /// ```
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(PayloadError) -> T {
        try decode(type, from: bytes[...])
    }

    /// Decodes a `T` from the whole of a slice, without copying it.
    ///
    /// ```swift
    /// let value = try PayloadCodec.decode(Reply.self, from: message[8...])
    /// ```
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>) throws(PayloadError) -> T {
        var reader = PayloadReader(bytes)
        let value = try reader.read(type)
        guard reader.isAtEnd else {
            throw PayloadError(.trailingBytes(type: _typeName(T.self), count: reader.remaining))
        }
        return value
    }
}
