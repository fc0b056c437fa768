// A keyed container's entries in the buffer: validating them, finding one by key,
// and walking them in order.

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

    /// Reads a keyed container at the cursor entry by entry, in order, and moves past it.
    func forEachKeyedEntry(
        _ type: Any.Type,
        _ body: (String, _Entry) throws -> Void,
        reserve: (Int) -> Void
    ) throws {
        var reader = cursor
        let count: Int
        do throws(_ReadError) {
            count = try reader.readLength(limit: reader.remaining / 2, what: "entry count")
        } catch {
            throw failure(error, type)
        }
        reserve(count)
        for _ in 0..<count {
            let entry: _Entry
            do throws(_ReadError) {
                entry = try Self.readEntry(&reader)
            } catch {
                throw failure(error, type)
            }
            try body(keyString(entry), entry)
        }
        cursor.position = reader.position
    }

    /// Reads one entry (key, tag, value bytes) and moves past it.
    static func readEntry(_ reader: inout _ByteCursor) throws(_ReadError) -> _Entry {
        let keyCount = try reader.readLength(limit: reader.remaining, what: "key length")
        let keyStart = reader.position
        _ = try reader.readSlice(keyCount)
        let tag = try reader.readVarint()
        let valueStart = reader.position
        if tag > 0 {
            guard tag - 1 <= UInt64(reader.remaining) else {
                throw .truncated(needed: Int(clamping: tag - 1), available: reader.remaining)
            }
            reader.position &+= Int(tag - 1)
        }
        return _Entry(
            keyStart: keyStart, keyCount: keyCount, valueStart: valueStart, valueEnd: reader.position,
            isNil: tag == 0, next: reader.position)
    }
}
