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
        encoder.bytes._appendString(key.stringValue)
    }

    @inline(__always)
    private func encodeRaw<T: _PayloadRawEncodable>(_ value: T, forKey key: Key) throws {
        try beginEntry(key)
        encoder.bytes._appendLength(value._payloadSize + 1)
        value._payloadWrite(to: &encoder.bytes)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try beginEntry(key)
        encoder.bytes.append(0)
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
        try encodeEntryValue(value, key: key)
    }

    /// Writes the tag and the value of an entry. An optional is unwrapped once:
    /// nil is tag 0, a value is written without a presence byte.
    private func encodeEntryValue<T: Encodable>(_ value: T, key: Key) throws {
        switch encoder.path(T.self) {
        case .raw(let raw):
            encoder.bytes._appendLength(raw._payloadSize(of: value) + 1)
            raw._payloadWrite(value, to: &encoder.bytes)
        case .optional(let optional):
            if let wrapped = optional._payloadWrapped(of: value) {
                try encodeEntryBody(wrapped, key: key)
            } else {
                encoder.bytes.append(0)
            }
        case .plain:
            try encodeEntryBody(value, key: key)
        }
    }

    /// Writes a tag for a value whose size is known only after encoding it.
    private func encodeEntryBody<T: Encodable>(_ value: T, key: Key) throws {
        let tagOffset = encoder.bytes.count
        encoder.bytes.append(0)
        try encoder.encodeValue(value, key: key)
        let valueSize = encoder.bytes.count - tagOffset - 1
        encoder.bytes._patchVarint(valueSize + 1, at: tagOffset)
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
        return _PayloadEncoder(codingPath: encoder.codingPath)
    }
}
