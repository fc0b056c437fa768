/// Writes an unkeyed container: a count, then per element a presence byte (0 nil,
/// 1 a value follows) and the value.
struct _UnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: _PayloadEncoder
    let valueID: Int

    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { valueID == encoder.valueID ? encoder.frame.count : 0 }

    @inline(__always)
    private func beginElement() throws {
        try encoder.checkCurrent(valueID)
        encoder.frame.count += 1
    }

    @inline(__always)
    private func encodeRaw<T: _PayloadRawEncodable>(_ value: T) throws {
        try beginElement()
        encoder.buffer.append(1)
        value._payloadWrite(to: &encoder.buffer)
    }

    mutating func encodeNil() throws {
        try beginElement()
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
        let index = encoder.frame.count
        try beginElement()
        try encoder.encodeSlot(value, key: _IndexKey(index))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        child().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        child().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        child()
    }

    private func child() -> _PayloadEncoder {
        guard valueID == encoder.valueID else {
            encoder.recordMisuse("a nested container was created after the value it belongs to was finished")
            return _PayloadEncoder(capacity: 16, codingPath: encoder.codingPath)
        }
        return encoder.makeChild(key: _IndexKey(encoder.frame.count), keyString: nil)
    }
}
