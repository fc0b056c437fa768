/// Reads a keyed container: finds each key's entry and decodes its value.
struct _KeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: _PayloadDecoder
    let contextID: Int

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        guard contextID == decoder.context.id else { return [] }
        var keys: [Key] = []
        keys.reserveCapacity(decoder.context.entryCount)
        decoder.forEachEntry { _, entry in
            if let key = Key(stringValue: decoder.keyString(entry)) { keys.append(key) }
        }
        return keys
    }

    func contains(_ key: Key) -> Bool {
        contextID == decoder.context.id && decoder.lookup(key) != nil
    }

    /// The entry for `key`, or a keyNotFound error.
    @inline(__always)
    private func entry(_ key: Key) throws -> _Entry {
        try decoder.checkCurrent(contextID)
        guard let entry = decoder.lookup(key) else {
            throw decoder.failure(.keyNotFound(key: key.stringValue))
        }
        return entry
    }

    /// Reads a value with a direct byte form from the whole of an entry.
    @inline(__always)
    private func decodeRaw<T: _PayloadRawDecodable>(_ type: T.Type, from entry: _Entry, key: Key) throws -> T {
        guard !entry.isNil else { throw decoder.failure(.valueNotFound(type: _typeName(T.self)), key: key) }
        var reader = _ByteCursor(decoder.cursor.buffer, position: entry.valueStart, end: entry.valueEnd)
        let value: T
        do throws(_ReadError) {
            value = try T._payloadRead(from: &reader)
        } catch .truncated {
            throw decoder.entrySizeMismatch(T.self, entry, key: key)
        } catch {
            throw decoder.failure(error, T.self, key: key)
        }
        guard reader.isAtEnd else { throw decoder.entrySizeMismatch(T.self, entry, key: key) }
        return value
    }

    @inline(__always)
    private func decodeRaw<T: _PayloadRawDecodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeRaw(type, from: entry(key), key: key)
    }

    @inline(__always)
    private func decodeRawIfPresent<T: _PayloadRawDecodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try decoder.checkCurrent(contextID)
        guard let entry = decoder.lookup(key), !entry.isNil else { return nil }
        return try decodeRaw(type, from: entry, key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try entry(key).isNil }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decodeRaw(type, forKey: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decodeRaw(type, forKey: key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decodeRaw(type, forKey: key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decodeRaw(type, forKey: key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decodeRaw(type, forKey: key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decodeRaw(type, forKey: key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decodeRaw(type, forKey: key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decodeRaw(type, forKey: key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decodeRaw(type, forKey: key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decodeRaw(type, forKey: key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decodeRaw(type, forKey: key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decodeRaw(type, forKey: key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decodeRaw(type, forKey: key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decodeRaw(type, forKey: key) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try decodeRawIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try decodeRawIfPresent(type, forKey: key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeValue(type, from: entry(key), key: key)
    }

    /// A nil entry is an absent `T`, unless `T` is itself optional: then it is a present
    /// `T` whose value is nil (so a synthesized `Int??` field keeps `.some(nil)`).
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try decoder.checkCurrent(contextID)
        guard let entry = decoder.lookup(key) else { return nil }
        if entry.isNil && !decoder.path(type).isOptional { return nil }
        return try decodeValue(type, from: entry, key: key)
    }

    private func decodeValue<T: Decodable>(_ type: T.Type, from entry: _Entry, key: Key) throws -> T {
        try decoder.decodeEntry(type, entry, key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try child(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        try decoder.checkCurrent(contextID)
        guard let entry = decoder.lookup(_StringKey.super) else {
            throw decoder.failure(.keyNotFound(key: "super"))
        }
        return decoder.makeChild(start: entry.valueStart, end: entry.valueEnd, key: _StringKey.super)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try child(for: key)
    }

    private func child(for key: Key) throws -> _PayloadDecoder {
        let entry = try entry(key)
        guard !entry.isNil else { throw decoder.failure(.valueNotFound(type: "a nested container"), key: key) }
        return decoder.makeChild(start: entry.valueStart, end: entry.valueEnd, key: key)
    }
}
