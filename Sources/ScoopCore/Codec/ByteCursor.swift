// Reading the payload format's primitives, bounds-checked and overflow-safe.

/// A low-level read failure; the coder adds the type and coding path.
enum _ReadError: Error {
    case truncated(needed: Int, available: Int)
    case corrupted(String)
}

/// A read position in a byte buffer, with an end it never reads past.
struct _ByteCursor {
    let buffer: UnsafeRawBufferPointer
    var position: Int
    var end: Int

    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0, end: Int? = nil) {
        self.buffer = buffer
        self.position = position
        self.end = end ?? buffer.count
    }

    var remaining: Int { end &- position }
    var isAtEnd: Bool { position >= end }

    /// Fails unless `count` more bytes are available.
    @inline(__always)
    func require(_ count: Int) throws(_ReadError) {
        guard count <= remaining else { throw .truncated(needed: count, available: remaining) }
    }

    @inline(__always)
    mutating func readByte() throws(_ReadError) -> UInt8 {
        try require(1)
        let byte = buffer[position]
        position &+= 1
        return byte
    }

    @inline(__always)
    func peekByte() -> UInt8? { position < end ? buffer[position] : nil }

    @inline(__always)
    mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type) throws(_ReadError) -> T {
        let size = MemoryLayout<T>.size
        try require(size)
        let value = buffer.loadUnaligned(fromByteOffset: position, as: T.self)
        position &+= size
        return T(littleEndian: value)
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    @inline(__always)
    mutating func readVarint() throws(_ReadError) -> UInt64 {
        if position < end, case let byte = buffer[position], byte < 0x80 {
            position &+= 1
            return UInt64(byte)
        }
        return try readLongVarint()
    }

    private mutating func readLongVarint() throws(_ReadError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw .truncated(needed: 1, available: 0) }
            let byte = buffer[position]
            position &+= 1
            if shift == 63 && byte > 1 { throw .corrupted("a varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift &+= 7
        }
    }

    /// Reads a varint length or count, which must not exceed `limit`
    /// (so that a corrupt length never causes a huge allocation).
    @inline(__always)
    mutating func readLength(limit: Int, what: @autoclosure () -> String) throws(_ReadError) -> Int {
        let raw = try readVarint()
        guard raw <= UInt64(UInt(bitPattern: limit)) else {
            throw .corrupted("declared \(what()) \(raw) exceeds the \(limit) that the bytes left can hold")
        }
        return Int(truncatingIfNeeded: raw)
    }

    /// Returns the next `count` bytes and skips them.
    @inline(__always)
    mutating func readSlice(_ count: Int) throws(_ReadError) -> UnsafeRawBufferPointer {
        try require(count)
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<(position &+ count)])
        position &+= count
        return slice
    }

    /// Reads a varint length, then that many bytes of valid UTF-8.
    mutating func readString() throws(_ReadError) -> String {
        let count = try readLength(limit: remaining, what: "string length")
        let bytes = try readSlice(count).assumingMemoryBound(to: UInt8.self)
        // `String(decoding:)` is fast but repairs invalid UTF-8 with U+FFFD; the input
        // was valid exactly when nothing was repaired (ASCII always is).
        var string = String(decoding: bytes, as: UTF8.self)
        if !_isASCII(bytes) {
            let unchanged = string.withUTF8 { decoded in
                guard decoded.count == bytes.count, let a = decoded.baseAddress, let b = bytes.baseAddress else {
                    return decoded.count == bytes.count
                }
                return _bytesEqual(UnsafeRawPointer(a), UnsafeRawPointer(b), count: bytes.count)
            }
            guard unchanged else { throw .corrupted("the bytes are not valid UTF-8") }
        }
        return string
    }
}

/// Whether every byte is below 0x80.
@inline(__always)
func _isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var index = 0
    var high: UInt64 = 0
    while index &+ 8 <= bytes.count {
        high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        index &+= 8
    }
    while index < bytes.count {
        high |= UInt64(bytes[index])
        index &+= 1
    }
    return high & 0x8080_8080_8080_8080 == 0
}

/// Whether `count` bytes at `a` and `b` are equal.
@inline(__always)
func _bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
    var index = 0
    while index &+ 8 <= count {
        if a.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            != b.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
        index &+= 8
    }
    while index < count {
        if a.load(fromByteOffset: index, as: UInt8.self) != b.load(fromByteOffset: index, as: UInt8.self) { return false }
        index &+= 1
    }
    return true
}
