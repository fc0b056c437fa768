// The fast paths: types the payload coder writes and reads itself, without going
// through `Codable`'s per-value machinery (containers, boxes, coding keys).
//
//   raw       a direct byte form of known size: scalars, String, arrays of numbers, Data
//   optional  Optional, whose presence may come from the slot holding it
//   direct    written element by element by the coder itself: [String: V], [Int: V]
//
// A scalar's bytes are the same either way. An array's raw form (count, then the
// bare elements) differs from an unkeyed container's (count, then a presence byte
// before each element); the encoder and the decoder pick the same path for the same
// type, so the difference never shows. `TypeClassification.swift` picks the path.

/// A value with a direct byte representation of known size.
protocol _PayloadRawEncodable: Encodable {
    /// The number of bytes ``_payloadWrite(to:)`` appends.
    var _payloadSize: Int { get }
    /// Appends the value to the encoder's buffer.
    func _payloadWrite(to buffer: inout _WriteBuffer)
    /// Appends the value to an array (a top-level write, without an encoder).
    func _payloadAppend(to bytes: inout [UInt8])
}

/// A value read directly from bytes.
protocol _PayloadRawDecodable: Decodable {
    static func _payloadRead(from cursor: inout _ByteCursor) throws(_ReadError) -> Self
}

/// `Optional`: a presence byte (0 nil, 1 a value follows) then the wrapped value.
protocol _PayloadOptionalEncodable: Encodable {
    var _payloadWrapped: (any Encodable)? { get }
}

/// `Optional`, decoding side.
protocol _PayloadOptionalDecodable: Decodable {
    static func _payloadDecode(from decoder: _PayloadDecoder) throws -> Self
}

/// A value written directly by the encoder (it needs the encoder for its elements).
protocol _PayloadDirectEncodable: Encodable {
    func _payloadEncode(into encoder: _PayloadEncoder) throws
}

/// A value read directly by the decoder.
protocol _PayloadDirectDecodable: Decodable {
    static func _payloadDecode(from decoder: _PayloadDecoder) throws -> Self
}

extension _PayloadDirectEncodable {
    static func _payloadEncode<V>(_ value: V, into encoder: _PayloadEncoder) throws {
        try _reinterpret(value, as: Self.self)._payloadEncode(into: encoder)
    }
}

extension _PayloadDirectDecodable {
    static func _payloadDecode<V>(as _: V.Type, from decoder: _PayloadDecoder) throws -> V {
        _reinterpret(try _payloadDecode(from: decoder), as: V.self)
    }
}

/// Reinterprets a value whose dynamic type is known to be `B` (because `A == B`).
@inline(__always)
func _reinterpret<A, B>(_ value: A, as _: B.Type) -> B {
    unsafeBitCast(value, to: B.self)
}

extension _PayloadRawEncodable {
    /// Writes `value`, which is known to be a `Self`.
    static func _payloadWrite<V>(_ value: V, to buffer: inout _WriteBuffer) {
        _reinterpret(value, as: Self.self)._payloadWrite(to: &buffer)
    }
    static func _payloadAppend<V>(_ value: V, to bytes: inout [UInt8]) {
        _reinterpret(value, as: Self.self)._payloadAppend(to: &bytes)
    }
    static func _payloadSize<V>(of value: V) -> Int {
        _reinterpret(value, as: Self.self)._payloadSize
    }
}

extension _PayloadRawDecodable {
    /// Reads a `Self` and returns it as `V`, which is known to be `Self`.
    static func _payloadRead<V>(as _: V.Type, from cursor: inout _ByteCursor) throws(_ReadError) -> V {
        _reinterpret(try _payloadRead(from: &cursor), as: V.self)
    }
}

extension _PayloadOptionalEncodable {
    static func _payloadWrapped<V>(of value: V) -> (any Encodable)? {
        _reinterpret(value, as: Self.self)._payloadWrapped
    }
}

extension _PayloadOptionalDecodable {
    static func _payloadDecode<V>(as _: V.Type, from decoder: _PayloadDecoder) throws -> V {
        _reinterpret(try _payloadDecode(from: decoder), as: V.self)
    }
}
