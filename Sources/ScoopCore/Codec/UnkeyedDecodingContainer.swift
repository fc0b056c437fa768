/// Reads an unkeyed container: per element a presence byte and the value, in order,
/// at the decoder's cursor.
struct _UnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: _PayloadDecoder
    let contextID: Int

    private var isCurrent: Bool { contextID == decoder.context.id }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { isCurrent ? decoder.context.count : 0 }
    var currentIndex: Int { isCurrent ? decoder.context.currentIndex : 0 }
    var isAtEnd: Bool { !isCurrent || decoder.context.currentIndex >= decoder.context.count }

    /// Checks the container is current and not at its end; returns the element's index.
    @inline(__always)
    private func checkElement(_ type: Any.Type) throws -> Int {
        try decoder.checkCurrent(contextID)
        decoder.resolvePendingChild()
        let index = decoder.context.currentIndex
        guard index < decoder.context.count else {
            throw decoder.failure(.valueNotFound(type: _typeName(type)), key: _IndexKey(index))
        }
        return index
    }

    /// Reads the next element's presence byte: true when a value follows.
    @inline(__always)
    private func readPresence(_ type: Any.Type, index: Int) throws -> Bool {
        do throws(_ReadError) {
            switch try decoder.cursor.readByte() {
            case 0: return false
            case 1: return true
            case let byte: throw .corrupted("presence byte \(byte) is neither 0 (nil) nor 1")
            }
        } catch {
            throw decoder.failure(error, type, key: _IndexKey(index))
        }
    }

    @inline(__always)
    private func decodeRaw<T: _PayloadRawDecodable>(_ type: T.Type) throws -> T {
        let index = try checkElement(type)
        let start = decoder.cursor.position
        guard try readPresence(type, index: index) else {
            decoder.cursor.position = start
            throw decoder.failure(.valueNotFound(type: _typeName(type)), key: _IndexKey(index))
        }
        do throws(_ReadError) {
            let value = try T._payloadRead(from: &decoder.cursor)
            decoder.context.currentIndex = index &+ 1
            return value
        } catch {
            decoder.cursor.position = start
            throw decoder.failure(error, T.self, key: _IndexKey(index))
        }
    }

    /// Consumes the element if it is nil; leaves it for `decode` otherwise.
    mutating func decodeNil() throws -> Bool {
        let index = try checkElement(Any?.self)
        let start = decoder.cursor.position
        if try readPresence(Any?.self, index: index) {
            decoder.cursor.position = start
            return false
        }
        decoder.context.currentIndex = index &+ 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decodeRaw(type) }
    mutating func decode(_ type: String.Type) throws -> String { try decodeRaw(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decodeRaw(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try decodeRaw(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try decodeRaw(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decodeRaw(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decodeRaw(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decodeRaw(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decodeRaw(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decodeRaw(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeRaw(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeRaw(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeRaw(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeRaw(type) }

    /// A failed decode leaves the container where it was, so a type may try another.
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let index = try checkElement(type)
        let start = decoder.cursor.position
        do {
            let present = try readPresence(type, index: index)
            let value = try decoder.decodeSlot(type, present: present, key: _IndexKey(index))
            decoder.context.currentIndex = index &+ 1
            return value
        } catch {
            decoder.cursor.position = start
            throw error
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let (index, child) = try childAtNextElement(KeyedDecodingContainer<NestedKey>.self)
        let container = try child.container(keyedBy: type)
        decoder.cursor.position = child.cursor.position
        decoder.context.currentIndex = index &+ 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (index, child) = try childAtNextElement((any UnkeyedDecodingContainer).self)
        let container = try child.unkeyedContainer()
        decoder.context.pendingChild = child
        decoder.context.currentIndex = index &+ 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let (index, child) = try childAtNextElement((any Decoder).self)
        decoder.context.pendingChild = child
        decoder.context.currentIndex = index &+ 1
        return child
    }

    /// A child decoder at the next (present) element; the cursor follows what it reads.
    private func childAtNextElement(_ type: Any.Type) throws -> (Int, _PayloadDecoder) {
        let index = try checkElement(type)
        guard try readPresence(type, index: index) else {
            throw decoder.failure(.valueNotFound(type: _typeName(type)), key: _IndexKey(index))
        }
        let child = decoder.makeChild(start: decoder.cursor.position, end: decoder.cursor.end, key: _IndexKey(index))
        return (index, child)
    }
}
