/// Reads an unkeyed container: its elements in order, at the decoder's cursor.
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
    private func beginElement(_ type: Any.Type) throws -> Int {
        try decoder.checkCurrent(contextID)
        decoder.resolvePendingChild()
        let index = decoder.context.currentIndex
        guard index < decoder.context.count else {
            throw decoder.failure(.valueNotFound(type: _typeName(type)), key: _IndexKey(index))
        }
        return index
    }

    @inline(__always)
    private func decodeRaw<T: _PayloadRawDecodable>(_ type: T.Type) throws -> T {
        let index = try beginElement(type)
        decoder.context.pendingPresent = false
        do throws(_ReadError) {
            let value = try T._payloadRead(from: &decoder.cursor)
            decoder.context.currentIndex = index &+ 1
            return value
        } catch {
            throw decoder.failure(error, T.self, key: _IndexKey(index))
        }
    }

    mutating func decodeNil() throws -> Bool {
        let index = try beginElement(Any?.self)
        if decoder.context.pendingPresent { return false }
        do throws(_ReadError) {
            switch try decoder.cursor.readByte() {
            case 0:
                decoder.context.currentIndex = index &+ 1
                return true
            case 1:
                decoder.context.pendingPresent = true
                return false
            case let byte:
                throw .corrupted("presence byte \(byte) is neither 0 (nil) nor 1")
            }
        } catch {
            throw decoder.failure(error, Any?.self, key: _IndexKey(index))
        }
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

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let index = try beginElement(type)
        if decoder.context.pendingPresent {
            decoder.context.pendingPresent = false
            if decoder.path(type).isOptional { decoder.presence = .present }
        }
        defer { decoder.presence = .unknown }
        let value = try decoder.decodeValue(type, key: _IndexKey(index))
        decoder.context.currentIndex = index &+ 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let index = try beginElement(KeyedDecodingContainer<NestedKey>.self)
        let child = decoder.makeChild(start: decoder.cursor.position, end: decoder.cursor.end, key: _IndexKey(index))
        let container = try child.container(keyedBy: type)
        decoder.cursor.position = child.cursor.position
        decoder.context.currentIndex = index &+ 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let child = try pendingChild()
        return try child.unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try pendingChild()
    }

    /// A child decoder at the next element; the cursor moves past whatever it reads.
    private func pendingChild() throws -> _PayloadDecoder {
        let index = try beginElement((any Decoder).self)
        let child = decoder.makeChild(start: decoder.cursor.position, end: decoder.cursor.end, key: _IndexKey(index))
        decoder.context.pendingChild = child
        decoder.context.currentIndex = index &+ 1
        return child
    }
}
