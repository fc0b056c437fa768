// `Optional`: a presence byte (0 nil, 1 the wrapped value follows), or, in a slot,
// the slot's own presence.

extension Optional: _PayloadOptionalEncodable where Wrapped: Encodable {
    var _payloadWrapped: (any Encodable)? {
        switch self {
        case .some(let wrapped): wrapped
        case .none: nil
        }
    }
}

extension Optional: _PayloadOptionalDecodable where Wrapped: Decodable {
    static func _payloadDecode(from decoder: _PayloadDecoder) throws -> Wrapped? {
        // Only `Wrapped`'s metadata is at hand here; naming `Self` would look up `Optional<Wrapped>`.
        if try decoder.consumePresence(wrapped: Wrapped.self) { return .none }
        return .some(try decoder.decodeValue(Wrapped.self))
    }
}
