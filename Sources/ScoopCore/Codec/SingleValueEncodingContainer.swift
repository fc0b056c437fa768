/// Writes a single value: a presence byte (0 for `encodeNil()`, 1 before a value),
/// so that a type's own `decodeNil()` can tell them apart.
struct _SingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: _PayloadEncoder
    let valueID: Int

    var codingPath: [any CodingKey] { encoder.codingPath }

    @inline(__always)
    private func encodeRaw<T: _PayloadRawEncodable>(_ value: T) throws {
        try encoder.checkCurrent(valueID)
        encoder.buffer.append(1)
        value._payloadWrite(to: &encoder.buffer)
    }

    mutating func encodeNil() throws {
        try encoder.checkCurrent(valueID)
        encoder.buffer.append(0)
    }

    mutating func encode(_ value: Bool) throws { try encodeRaw(value) }
    mutating func encode(_ value: String) throws { try encodeRaw(value) }
    mutating func encode(_ value: Double) throws { try encodeRaw(value) }
    mutating func encode(_ value: Float) throws { try encodeRaw(value) }
    mutating func encode(_ value: Int) throws { try encodeRaw(value) }
    mutating func encode(_ value: Int8) throws { try encodeRaw(value) }
    mutating func encode(_ value: Int16) throws { try encodeRaw(value) }
    mutating func encode(_ value: Int32) throws { try encodeRaw(value) }
    mutating func encode(_ value: Int64) throws { try encodeRaw(value) }
    mutating func encode(_ value: UInt) throws { try encodeRaw(value) }
    mutating func encode(_ value: UInt8) throws { try encodeRaw(value) }
    mutating func encode(_ value: UInt16) throws { try encodeRaw(value) }
    mutating func encode(_ value: UInt32) throws { try encodeRaw(value) }
    mutating func encode(_ value: UInt64) throws { try encodeRaw(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.checkCurrent(valueID)
        try encoder.encodeSlot(value)
    }
}
