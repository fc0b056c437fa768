// The standard library's numbers, Bool and String: written and read directly,
// in exactly the bytes the format describes.

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
