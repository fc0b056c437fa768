/// Writes a keyed container: per entry the key, a tag (0 nil, n + 1 for n bytes), the value.
struct _KeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: _PayloadEncoder
    let valueID: Int

    var codingPath: [any CodingKey] { encoder.codingPath }

    /// Checks the container is current, writes the key and counts the entry.
    @inline(__always)
    private func beginEntry(_ key: Key) throws {
        try encoder.checkCurrent(valueID)
        encoder.frame.count += 1
        encoder.buffer.appendString(key.stringValue)
    }

    @inline(__always)
    private func encodeRaw<T: _PayloadRawEncodable>(_ value: T, forKey key: Key) throws {
        try beginEntry(key)
        encoder.buffer.appendLength(value._payloadSize + 1)
        value._payloadWrite(to: &encoder.buffer)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try beginEntry(key)
        encoder.buffer.append(0)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encodeRaw(value, forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encodeRaw(value, forKey: key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try beginEntry(key)
        try encoder.encodeEntry(value, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        child(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        child(for: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        guard valueID == encoder.valueID else { return misplacedChild() }
        return encoder.makeChild(key: _StringKey.super, keyString: _StringKey.super.stringValue)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        child(for: key)
    }

    private func child(for key: Key) -> _PayloadEncoder {
        guard valueID == encoder.valueID else { return misplacedChild() }
        return encoder.makeChild(key: key, keyString: key.stringValue)
    }

    /// A detached encoder for a container created too late; its bytes are dropped
    /// and encoding fails with a clear error.
    private func misplacedChild() -> _PayloadEncoder {
        encoder.recordMisuse("a nested container was created after the value it belongs to was finished")
        return _PayloadEncoder(capacity: 16, codingPath: encoder.codingPath)
    }
}
