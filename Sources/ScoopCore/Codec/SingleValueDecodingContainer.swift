/// Reads a single value written by `SingleValueEncodingContainer`: a presence byte
/// (0 nil, 1 a value follows), then the value. An optional takes the presence as its own.
struct _SingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: _PayloadDecoder
    let contextID: Int

    var codingPath: [any CodingKey] { decoder.codingPath }

    /// Reads the presence byte once. An invalid byte is left for `decode` to report.
    private func marker() -> UInt8? {
        guard contextID == decoder.context.id else { return nil }
        if let marker = decoder.context.marker { return marker }
        guard let byte = decoder.cursor.peekByte(), byte <= 1 else { return nil }
        decoder.cursor.position &+= 1
        decoder.context.marker = byte
        return byte
    }

    /// Consumes the presence byte before a value, failing on nil or garbage.
    @inline(__always)
    private func beginValue(_ type: Any.Type) throws {
        try decoder.checkCurrent(contextID)
        switch marker() {
        case 1:
            return
        case 0:
            throw decoder.failure(.valueNotFound(type: _typeName(type)))
        default:
            guard let byte = decoder.cursor.peekByte() else {
                throw decoder.failure(.truncated(type: _typeName(type), needed: 1, available: 0))
            }
            throw decoder.failure(.corrupted(type: _typeName(type), detail: "presence byte \(byte) is neither 0 (nil) nor 1"))
        }
    }

    @inline(__always)
    private func decodeRaw<T: _PayloadRawDecodable>(_ type: T.Type) throws -> T {
        try beginValue(type)
        do throws(_ReadError) {
            return try T._payloadRead(from: &decoder.cursor)
        } catch {
            throw decoder.failure(error, T.self)
        }
    }

    func decodeNil() -> Bool { marker() == 0 }

    func decode(_ type: Bool.Type) throws -> Bool { try decodeRaw(type) }
    func decode(_ type: String.Type) throws -> String { try decodeRaw(type) }
    func decode(_ type: Double.Type) throws -> Double { try decodeRaw(type) }
    func decode(_ type: Float.Type) throws -> Float { try decodeRaw(type) }
    func decode(_ type: Int.Type) throws -> Int { try decodeRaw(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeRaw(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeRaw(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeRaw(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeRaw(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeRaw(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeRaw(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeRaw(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeRaw(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeRaw(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.checkCurrent(contextID)
        switch marker() {
        case 1:
            return try decoder.decodeSlot(type, present: true)
        case 0:
            return try decoder.decodeSlot(type, present: false)
        default:
            try beginValue(type)   // reports the truncation or the bad byte
            return try decoder.decodeSlot(type, present: true)
        }
    }
}
