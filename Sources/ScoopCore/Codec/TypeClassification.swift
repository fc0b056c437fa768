// Which path a value takes through the coder. Finding a fast path needs a
// dynamic cast (tens of nanoseconds); most types have none, so the answer "none"
// is remembered process-wide, and the common scalars are recognised by identity.

/// How the encoder writes a value of some type.
enum _EncodePath {
    case plain
    case raw(any _PayloadRawEncodable.Type)
    case optional(any _PayloadOptionalEncodable.Type)
    case direct(any _PayloadDirectEncodable.Type)
}

/// How the decoder reads a value of some type.
enum _DecodePath {
    case plain
    case raw(any _PayloadRawDecodable.Type)
    case optional(any _PayloadOptionalDecodable.Type)
    case direct(any _PayloadDirectDecodable.Type)
}

/// The scalar types recognised without a cast, most common first.
@inline(__always)
func _scalarType(_ type: Any.Type) -> (any (_PayloadRawEncodable & _PayloadRawDecodable).Type)? {
    if type == Int.self { return Int.self }
    if type == String.self { return String.self }
    if type == Double.self { return Double.self }
    if type == Bool.self { return Bool.self }
    if type == UInt8.self { return UInt8.self }
    if type == Int64.self { return Int64.self }
    if type == UInt64.self { return UInt64.self }
    if type == Int32.self { return Int32.self }
    if type == UInt32.self { return UInt32.self }
    if type == Float.self { return Float.self }
    if type == UInt.self { return UInt.self }
    if type == Int16.self { return Int16.self }
    if type == UInt16.self { return UInt16.self }
    if type == Int8.self { return Int8.self }
    return nil
}

func _encodePath<T: Encodable>(_ type: T.Type) -> _EncodePath {
    if let scalar = _scalarType(type) { return .raw(scalar) }
    if _PlainTypes.encoding.contains(type) { return .plain }
    if let raw = type as? any _PayloadRawEncodable.Type { return .raw(raw) }
    if let optional = type as? any _PayloadOptionalEncodable.Type { return .optional(optional) }
    if let direct = type as? any _PayloadDirectEncodable.Type { return .direct(direct) }
    _PlainTypes.encoding.insert(type)
    return .plain
}

func _decodePath<T: Decodable>(_ type: T.Type) -> _DecodePath {
    if let scalar = _scalarType(type) { return .raw(scalar) }
    if _PlainTypes.decoding.contains(type) { return .plain }
    if let raw = type as? any _PayloadRawDecodable.Type { return .raw(raw) }
    if let optional = type as? any _PayloadOptionalDecodable.Type { return .optional(optional) }
    if let direct = type as? any _PayloadDirectDecodable.Type { return .direct(direct) }
    _PlainTypes.decoding.insert(type)
    return .plain
}

extension _DecodePath {
    /// Whether the type is an `Optional` (keyed containers store its nil in the entry
    /// header instead of a presence byte).
    var isOptional: Bool {
        if case .optional = self { return true }
        return false
    }
}
