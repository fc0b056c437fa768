// Types the payload coder writes and reads itself, without going through
// `Codable`'s per-value machinery: the standard library's scalars and strings,
// arrays of fixed-width numbers and of Bool (a count and one copy), and optionals.
//
// A scalar's bytes are the same either way. An array's fast form (count, then the
// bare elements) differs from an unkeyed container's (count, then a presence byte
// before each element); the encoder and the decoder pick the same path for the same
// type, so the difference never shows.

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

// MARK: Optional

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

// MARK: Scalars

/// A number stored as its little-endian bytes, alone or in a contiguous array.
protocol _PayloadFixedWidth: _PayloadRawEncodable, _PayloadRawDecodable {
    associatedtype _Bits: FixedWidthInteger
    var _bits: _Bits { get }
    init(_bits: _Bits) throws(_ReadError)
    /// Whether an array of this type is, in memory, exactly its payload bytes.
    static var _isMemcpyable: Bool { get }
    /// Whether some byte patterns are not values (Bool), so that bytes must be
    /// checked before they are copied into an array.
    static func _isValid(_ bytes: UnsafeRawBufferPointer) -> Bool
}

extension _PayloadFixedWidth {
    var _payloadSize: Int { MemoryLayout<_Bits>.size }
    static var _isMemcpyable: Bool { MemoryLayout<Self>.size == MemoryLayout<_Bits>.size }
    static func _isValid(_ bytes: UnsafeRawBufferPointer) -> Bool { true }
    @inline(__always)
    func _payloadWrite(to buffer: inout _WriteBuffer) { buffer.appendLittleEndian(_bits) }
    func _payloadAppend(to bytes: inout [UInt8]) { bytes._appendLittleEndian(_bits) }
    @inline(__always)
    static func _payloadRead(from cursor: inout _ByteCursor) throws(_ReadError) -> Self {
        try Self(_bits: cursor.readLittleEndian(_Bits.self))
    }
}

/// Integers whose payload form is themselves.
protocol _PayloadPlainInteger: _PayloadFixedWidth, FixedWidthInteger where _Bits == Self {}
extension _PayloadPlainInteger {
    var _bits: Self { self }
    init(_bits: Self) { self = _bits }
}

extension Int8: _PayloadPlainInteger {}
extension Int16: _PayloadPlainInteger {}
extension Int32: _PayloadPlainInteger {}
extension Int64: _PayloadPlainInteger {}
extension UInt8: _PayloadPlainInteger {}
extension UInt16: _PayloadPlainInteger {}
extension UInt32: _PayloadPlainInteger {}
extension UInt64: _PayloadPlainInteger {}

/// `Int` is always 8 bytes, whatever the platform's word size.
extension Int: _PayloadFixedWidth {
    var _bits: Int64 { Int64(self) }
    init(_bits: Int64) throws(_ReadError) {
        guard let value = Int(exactly: _bits) else { throw .corrupted("\(_bits) does not fit in Int") }
        self = value
    }
}

/// `UInt` is always 8 bytes, whatever the platform's word size.
extension UInt: _PayloadFixedWidth {
    var _bits: UInt64 { UInt64(self) }
    init(_bits: UInt64) throws(_ReadError) {
        guard let value = UInt(exactly: _bits) else { throw .corrupted("\(_bits) does not fit in UInt") }
        self = value
    }
}

extension Double: _PayloadFixedWidth {
    var _bits: UInt64 { bitPattern }
    init(_bits: UInt64) { self.init(bitPattern: _bits) }
}

extension Float: _PayloadFixedWidth {
    var _bits: UInt32 { bitPattern }
    init(_bits: UInt32) { self.init(bitPattern: _bits) }
}

/// `Bool` is one byte, 0 or 1; any other byte is refused.
extension Bool: _PayloadFixedWidth {
    var _bits: UInt8 { self ? 1 : 0 }
    init(_bits: UInt8) throws(_ReadError) {
        switch _bits {
        case 0: self = false
        case 1: self = true
        default: throw .corrupted("byte \(_bits) is not a Bool (0 or 1)")
        }
    }
    static func _isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 <= 1 }
    }
}

extension String: _PayloadRawEncodable, _PayloadRawDecodable {
    var _payloadSize: Int {
        let count = utf8.count
        return _lengthSize(count) + count
    }
    func _payloadWrite(to buffer: inout _WriteBuffer) { buffer.appendString(self) }
    func _payloadAppend(to bytes: inout [UInt8]) { bytes._appendString(self) }
    static func _payloadRead(from cursor: inout _ByteCursor) throws(_ReadError) -> String {
        try cursor.readString()
    }
}

// MARK: Arrays of numbers: a count, then one copy

extension Array: _PayloadRawEncodable where Element: _PayloadFixedWidth {
    var _payloadSize: Int { _lengthSize(count) + count * MemoryLayout<Element._Bits>.size }

    func _payloadWrite(to buffer: inout _WriteBuffer) {
        buffer.appendLength(count)
        #if _endian(little)
        if Element._isMemcpyable {
            withUnsafeBytes { buffer.append($0) }
            return
        }
        #endif
        buffer.reserve(count * MemoryLayout<Element._Bits>.size)
        for element in self { buffer.appendLittleEndian(element._bits) }
    }

    func _payloadAppend(to bytes: inout [UInt8]) {
        bytes._appendLength(count)
        #if _endian(little)
        if Element._isMemcpyable {
            withUnsafeBytes { bytes.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
            return
        }
        #endif
        bytes.reserveCapacity(bytes.count + count * MemoryLayout<Element._Bits>.size)
        for element in self { bytes._appendLittleEndian(element._bits) }
    }
}

extension Array: _PayloadRawDecodable where Element: _PayloadFixedWidth {
    static func _payloadRead(from cursor: inout _ByteCursor) throws(_ReadError) -> [Element] {
        let size = MemoryLayout<Element._Bits>.size
        let count = try cursor.readLength(limit: cursor.remaining / size, what: "count of \(size)-byte elements")
        #if _endian(little)
        if Element._isMemcpyable {
            let source = try cursor.readSlice(count &* size)
            guard Element._isValid(source) else {
                throw .corrupted("the bytes are not all valid \(Element.self) values")
            }
            return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
                if let base = buffer.baseAddress, let from = source.baseAddress {
                    UnsafeMutableRawPointer(base).copyMemory(from: from, byteCount: count &* size)
                }
                initialized = count
            }
        }
        #endif
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try Element._payloadRead(from: &cursor)) }
        return elements
    }
}
