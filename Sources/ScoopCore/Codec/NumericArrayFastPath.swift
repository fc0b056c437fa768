// Arrays of fixed-width numbers and of Bool: a varint count, then the elements'
// little-endian bytes in one copy (no per-element cost).

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
