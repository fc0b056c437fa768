// Appending the payload format's primitives to a byte array.

extension Array where Element == UInt8 {
    /// Appends `value` as an unsigned LEB128 varint (7 bits a byte, low bits first).
    @inline(__always)
    mutating func _appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a non-negative length or count as a varint.
    @inline(__always)
    mutating func _appendLength(_ length: Int) {
        _appendVarint(UInt64(UInt(bitPattern: length)))
    }

    /// Appends a fixed-width integer, little-endian.
    @inline(__always)
    mutating func _appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// Appends a string: its UTF-8 length as a varint, then the UTF-8 bytes.
    @inline(__always)
    mutating func _appendString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            _appendLength(utf8.count)
            append(contentsOf: UnsafeRawBufferPointer(utf8))
        }
    }
}

/// The number of bytes `value` takes as a varint.
@inline(__always)
func _varintSize(_ value: UInt64) -> Int {
    value < 0x80 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
}

/// The number of bytes a length or count takes as a varint.
@inline(__always)
func _lengthSize(_ length: Int) -> Int { _varintSize(UInt64(UInt(bitPattern: length))) }
