/// A growable byte buffer for the encoder: appends are a capacity check and a
/// store, without `Array`'s generic `append(contentsOf:)` machinery.
struct _WriteBuffer: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// The bytes written so far (valid until the next write).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if capacity &- count < extra { grow(extra) }
    }

    @inline(never)
    private mutating func grow(_ extra: Int) {
        let needed = count + extra
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count &+= 1
    }

    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        let size = MemoryLayout<T>.size
        reserve(size)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: T.self)
        count &+= size
    }

    /// Appends an unsigned LEB128 varint.
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        reserve(10)
        var value = value
        var offset = count
        while value >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: offset, as: UInt8.self)
            value >>= 7
            offset &+= 1
        }
        base.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: offset, as: UInt8.self)
        count = offset &+ 1
    }

    @inline(__always)
    mutating func appendLength(_ length: Int) { appendVarint(UInt64(UInt(bitPattern: length))) }

    @inline(__always)
    mutating func append(_ raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        reserve(raw.count)
        (base + count).copyMemory(from: source, byteCount: raw.count)
        count &+= raw.count
    }

    /// Appends a varint UTF-8 length and the UTF-8 bytes.
    @inline(__always)
    mutating func appendString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            appendLength(utf8.count)
            append(UnsafeRawBufferPointer(utf8))
        }
    }

    /// Writes `value` as a varint into the one byte reserved at `offset`, moving the
    /// bytes after it when the varint needs more than one.
    mutating func patchVarint(_ value: Int, at offset: Int) {
        let value = UInt64(UInt(bitPattern: value))
        let size = _varintSize(value)
        if size > 1 {
            reserve(size - 1)
            let tail = base + offset + 1
            (tail + (size - 1)).copyMemory(from: tail, byteCount: count - offset - 1)
            count += size - 1
        }
        var remaining = value
        for index in offset..<(offset + size) {
            let low = UInt8(truncatingIfNeeded: remaining & 0x7F)
            remaining >>= 7
            base.storeBytes(of: remaining == 0 ? low : low | 0x80, toByteOffset: index, as: UInt8.self)
        }
    }

    /// Replaces the bytes from `offset` to the end with `replacement`.
    mutating func replaceTail(from offset: Int, with replacement: borrowing _WriteBuffer) {
        count = offset
        append(replacement.bytes)
    }
}
