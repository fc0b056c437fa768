/// Appends values to a byte buffer in the payload format (see `PayloadEncoder.swift`).
///
/// `write(_:)` takes any `Encodable`; the primitives (`writeInt`, `writeString`,
/// `writeBytes`, …) write exactly the bytes `write(_:)` would for the same value,
/// without the generic dispatch. ``PayloadReader`` reads the values back in the
/// same order.
///
/// ```swift
/// var writer = PayloadWriter()
/// writer.writeUInt32(2)
/// try writer.write(Point(x: 1, y: 2))
/// try writer.write([1.5, 2.5])
/// send(writer.bytes)
/// ```
public struct PayloadWriter: Sendable {
    /// The bytes written so far.
    ///
    /// ```swift
    /// envelope.payload = writer.bytes
    /// ```
    public var bytes: [UInt8]

    /// Creates an empty writer.
    ///
    /// ```swift
    /// var writer = PayloadWriter()
    /// ```
    public init() {
        bytes = []
    }

    /// Creates an empty writer with room for `capacity` bytes.
    ///
    /// ```swift
    /// var writer = PayloadWriter(reservingCapacity: 64 + name.utf8.count)
    /// ```
    public init(reservingCapacity capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends any `Encodable` value. Strings, numbers, optionals, arrays of numbers
    /// and `Data` take fast paths; everything else goes through its `encode(to:)`.
    /// An error thrown by that `encode(to:)` is reported as
    /// ``PayloadError/Reason/encodingFailed(type:underlying:)``.
    ///
    /// ```swift
    /// try writer.write(["a": 1, "b": 2])
    /// ```
    public mutating func write<T: Encodable>(_ value: T) throws(PayloadError) {
        if case .raw(let raw) = _encodePath(T.self) {
            raw._payloadAppend(value, to: &bytes)
            return
        }
        let encoder = _PayloadEncoder()
        do {
            try encoder.encodeValue(value)
        } catch let error as PayloadError {
            throw error
        } catch {
            throw PayloadError(.encodingFailed(type: _typeName(T.self), underlying: _describe(error)))
        }
        if let misuse = encoder.misuse { throw misuse }
        bytes.append(contentsOf: encoder.buffer.bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Appends a byte.
    ///
    /// ```swift
    /// writer.writeUInt8(1)
    /// ```
    public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    /// Appends a `UInt32`, little-endian (4 bytes).
    ///
    /// ```swift
    /// writer.writeUInt32(UInt32(items.count))
    /// ```
    public mutating func writeUInt32(_ value: UInt32) { bytes._appendLittleEndian(value) }

    /// Appends a `UInt64`, little-endian (8 bytes).
    ///
    /// ```swift
    /// writer.writeUInt64(future.rawValue)
    /// ```
    public mutating func writeUInt64(_ value: UInt64) { bytes._appendLittleEndian(value) }

    /// Appends an `Int` as 8 little-endian bytes, on every platform.
    ///
    /// ```swift
    /// writer.writeInt(-42)
    /// ```
    public mutating func writeInt(_ value: Int) { bytes._appendLittleEndian(Int64(value)) }

    /// Appends a `Double` as its IEEE 754 bit pattern (8 bytes).
    ///
    /// ```swift
    /// writer.writeDouble(.pi)
    /// ```
    public mutating func writeDouble(_ value: Double) { bytes._appendLittleEndian(value.bitPattern) }

    /// Appends a `Bool` as one byte, 0 or 1.
    ///
    /// ```swift
    /// writer.writeBool(true)
    /// ```
    public mutating func writeBool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Appends a string: a varint UTF-8 length, then the UTF-8 bytes.
    ///
    /// ```swift
    /// writer.writeString("résumé")
    /// ```
    public mutating func writeString(_ value: String) { bytes._appendString(value) }

    /// Appends bytes with a varint length prefix (the same bytes as `write([UInt8])`).
    ///
    /// ```swift
    /// writer.writeBytes(blob)
    /// ```
    public mutating func writeBytes(_ value: some Collection<UInt8>) {
        bytes._appendLength(value.count)
        bytes.append(contentsOf: value)
    }

    /// Appends raw memory with a varint length prefix.
    ///
    /// ```swift
    /// buffer.withUnsafeBytes { writer.writeBytes($0) }
    /// ```
    public mutating func writeBytes(_ value: UnsafeRawBufferPointer) {
        bytes._appendLength(value.count)
        bytes.append(contentsOf: value)
    }

    /// Appends bytes as they are, with no length: for splicing in a payload written by
    /// another writer. The reader must know where it ends (``PayloadReader/readRaw(count:)``).
    ///
    /// ```swift
    /// var element = PayloadWriter()
    /// try element.write(result)
    /// writer.appendRaw(element.bytes)
    /// ```
    public mutating func appendRaw(_ value: some Collection<UInt8>) {
        bytes.append(contentsOf: value)
    }
}
