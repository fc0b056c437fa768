// Dictionaries keyed by String or Int, written and read directly by the coder: the
// same bytes as `Dictionary`'s own `Codable` (a keyed container, int keys as their
// decimal string), without a `CodingKey` box per entry or the standard library's
// casts and per-entry metadata look-ups.

/// Dictionary keys stored as a keyed container's key strings.
protocol _PayloadDictionaryKey: Hashable, Codable {
    var _payloadKeyString: String { get }
    init?(_payloadKeyString: String)
}

extension String: _PayloadDictionaryKey {
    var _payloadKeyString: String { self }
    init?(_payloadKeyString string: String) { self = string }
}

extension Int: _PayloadDictionaryKey {
    var _payloadKeyString: String { String(self) }
    init?(_payloadKeyString string: String) { self.init(string) }
}

extension Dictionary: _PayloadDirectEncodable where Key: _PayloadDictionaryKey, Value: Encodable {
    // Pre-specialised for the common dictionaries: unspecialised `Dictionary` code looks
    // up generic metadata for every entry.
    @_specialize(where Key == String, Value == Int)
    @_specialize(where Key == String, Value == Double)
    @_specialize(where Key == String, Value == String)
    @_specialize(where Key == Int, Value == Int)
    func _payloadEncode(into encoder: _PayloadEncoder) throws {
        encoder.buffer.appendLength(count)
        for (key, value) in self {
            let name = key._payloadKeyString
            encoder.buffer.appendString(name)
            try encoder.encodeEntry(value, key: _StringKey(name))
        }
    }
}

extension Dictionary: _PayloadDirectDecodable where Key: _PayloadDictionaryKey, Value: Decodable {
    @_specialize(where Key == String, Value == Int)
    @_specialize(where Key == String, Value == Double)
    @_specialize(where Key == String, Value == String)
    @_specialize(where Key == Int, Value == Int)
    static func _payloadDecode(from decoder: _PayloadDecoder) throws -> [Key: Value] {
        var result: [Key: Value] = [:]
        try decoder.forEachKeyedEntry(Self.self) { name, entry in
            guard let key = Key(_payloadKeyString: name) else {
                throw decoder.failure(.corrupted(type: _typeName(Key.self), detail: "key '\(name)' cannot be read as \(Key.self)"))
            }
            result.updateValue(try decoder.decodeEntry(Value.self, entry, key: _StringKey(name)), forKey: key)
        } reserve: { count in
            result.reserveCapacity(count)
        }
        return result
    }
}
