/// One entry of a keyed container, as offsets into the buffer.
struct _Entry {
    var keyStart: Int
    var keyCount: Int
    var valueStart: Int
    var valueEnd: Int
    var isNil: Bool
    /// Offset of the next entry.
    var next: Int
}

/// Key → entry offset, built once when a large container is read out of order.
final class _KeyIndex {
    var offsets: [String: Int] = [:]
}

extension _PayloadDecoder {
    /// Opens the current value as a keyed container: validates every entry and moves
    /// the cursor past them.
    func openKeyed() throws {
        do throws(_ReadError) {
            let count = try cursor.readLength(limit: cursor.remaining / 2, what: "entry count")
            let start = cursor.position
            for _ in 0..<count { _ = try Self.readEntry(&cursor) }
            context.kind = .keyed
            context.entriesStart = start
            context.entriesEnd = cursor.position
            context.entryCount = count
            context.hint = start
        } catch {
            throw failure(error, context.type)
        }
    }

    /// Parses the (already validated) entry at `offset`.
    @inline(__always)
    func entry(at offset: Int) -> _Entry? {
        var reader = _ByteCursor(cursor.buffer, position: offset, end: context.entriesEnd)
        guard let keyLength = try? reader.readVarint(), keyLength <= UInt64(reader.remaining) else { return nil }
        let keyStart = reader.position
        reader.position &+= Int(keyLength)
        guard let tag = try? reader.readVarint() else { return nil }
        let valueStart = reader.position
        let valueCount = tag == 0 ? 0 : tag - 1
        guard valueCount <= UInt64(reader.remaining) else { return nil }
        let valueEnd = valueStart &+ Int(valueCount)
        return _Entry(
            keyStart: keyStart, keyCount: Int(keyLength), valueStart: valueStart, valueEnd: valueEnd,
            isNil: tag == 0, next: valueEnd)
    }

    /// The entry at `offset` if its key is `name`.
    @inline(__always)
    private func entry(at offset: Int, matching name: String) -> _Entry? {
        guard offset >= context.entriesStart, offset < context.entriesEnd, let entry = entry(at: offset),
            entry.keyCount == name.utf8.count
        else { return nil }
        let stored = cursor.buffer
        var index = entry.keyStart
        for byte in name.utf8 {
            guard stored[index] == byte else { return nil }
            index &+= 1
        }
        return entry
    }

    /// The entry for `key`, or nil. Tries the entry after the last one found, then the
    /// last one found, then searches (with an index for large containers).
    func lookup(_ key: some CodingKey) -> _Entry? {
        let name = key.stringValue
        if let entry = entry(at: context.hint, matching: name) {
            context.lastFound = context.hint
            context.hint = entry.next
            return entry
        }
        if let entry = entry(at: context.lastFound, matching: name) { return entry }
        let offset: Int?
        if context.entryCount <= 16 {
            offset = linearSearch(name)
        } else {
            offset = (context.index ?? buildIndex()).offsets[name]
        }
        guard let offset, let entry = entry(at: offset) else { return nil }
        context.lastFound = offset
        context.hint = entry.next
        return entry
    }

    private func linearSearch(_ name: String) -> Int? {
        var offset = context.entriesStart
        while offset < context.entriesEnd, let entry = entry(at: offset) {
            if self.entry(at: offset, matching: name) != nil { return offset }
            offset = entry.next
        }
        return nil
    }

    private func buildIndex() -> _KeyIndex {
        let index = _KeyIndex()
        index.offsets.reserveCapacity(context.entryCount)
        forEachEntry { offset, entry in
            let key = keyString(entry)
            if index.offsets[key] == nil { index.offsets[key] = offset }
        }
        context.index = index
        return index
    }

    func forEachEntry(_ body: (Int, _Entry) -> Void) {
        var offset = context.entriesStart
        while offset < context.entriesEnd, let entry = entry(at: offset) {
            body(offset, entry)
            offset = entry.next
        }
    }

    func keyString(_ entry: _Entry) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: cursor.buffer[entry.keyStart..<(entry.keyStart + entry.keyCount)]), as: UTF8.self)
    }
}

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
