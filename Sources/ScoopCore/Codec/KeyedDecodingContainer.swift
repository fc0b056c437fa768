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
            for _ in 0..<count {
                let keyCount = try cursor.readLength(limit: cursor.remaining, what: "key length")
                _ = try cursor.readSlice(keyCount)
                let tag = try cursor.readVarint()
                if tag > 0 {
                    guard tag - 1 <= UInt64(cursor.remaining) else {
                        throw .truncated(needed: Int(clamping: tag - 1), available: cursor.remaining)
                    }
                    cursor.position &+= Int(tag - 1)
                }
            }
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

    @inline(__always)
    private func entry(at offset: Int, matches key: UnsafeBufferPointer<UInt8>) -> _Entry? {
        guard offset >= context.entriesStart, offset < context.entriesEnd, let entry = entry(at: offset),
            entry.keyCount == key.count
        else { return nil }
        let stored = cursor.buffer
        var index = 0
        while index < key.count {
            if stored[entry.keyStart &+ index] != key[index] { return nil }
            index &+= 1
        }
        return entry
    }

    /// The entry for `key`, or nil. Tries the entry after the last one found, then the
    /// last one found, then searches (with an index for large containers).
    func lookup(_ key: some CodingKey) -> _Entry? {
        var name = key.stringValue
        let found: (offset: Int, entry: _Entry)? = name.withUTF8 { utf8 in
            if let entry = entry(at: context.hint, matches: utf8) { return (context.hint, entry) }
            if let entry = entry(at: context.lastFound, matches: utf8) { return (context.lastFound, entry) }
            if context.entryCount <= 16 {
                var offset = context.entriesStart
                while offset < context.entriesEnd, let entry = entry(at: offset) {
                    if let match = self.entry(at: offset, matches: utf8) { return (offset, match) }
                    offset = entry.next
                }
                return nil
            }
            return nil
        }
        if let found {
            context.lastFound = found.offset
            context.hint = found.entry.next
            return found.entry
        }
        guard context.entryCount > 16 else { return nil }
        let index = context.index ?? buildIndex()
        guard let offset = index.offsets[name], let entry = entry(at: offset) else { return nil }
        context.lastFound = offset
        context.hint = entry.next
        return entry
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
            throw sizeMismatch(T.self, entry: entry, key: key)
        } catch {
            throw decoder.failure(error, T.self, key: key)
        }
        guard reader.isAtEnd else { throw sizeMismatch(T.self, entry: entry, key: key) }
        return value
    }

    /// An entry's value is complete by construction, so reading past its end (or
    /// not to its end) means it holds another type.
    private func sizeMismatch(_ type: Any.Type, entry: _Entry, key: Key) -> PayloadError {
        decoder.failure(
            .typeMismatch(
                type: _typeName(type),
                detail: "the stored value has \(entry.valueEnd - entry.valueStart) bytes, which is not a \(_typeName(type)); was it encoded as another type?"),
            key: key)
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

    /// Decodes an entry's value. An optional's nil or presence comes from the entry header.
    private func decodeValue<T: Decodable>(_ type: T.Type, from entry: _Entry, key: Key) throws -> T {
        let path = decoder.path(type)
        if path.isOptional {
            decoder.presence = entry.isNil ? .absent : .present
        } else if entry.isNil {
            throw decoder.failure(.valueNotFound(type: _typeName(T.self)), key: key)
        }
        let saved = decoder.cursor
        decoder.cursor.position = entry.valueStart
        decoder.cursor.end = entry.valueEnd
        defer {
            decoder.cursor = saved
            decoder.presence = .unknown
        }
        if case .raw = path {
            let value: T
            do {
                value = try decoder.decodeValue(type, key: key)
            } catch let error as PayloadError {
                if case .truncated = error.reason { throw sizeMismatch(T.self, entry: entry, key: key) }
                throw error
            }
            guard decoder.cursor.isAtEnd else { throw sizeMismatch(T.self, entry: entry, key: key) }
            return value
        }
        return try decoder.decodeValue(type, key: key)
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
