/// Reads values back from a payload, in the order a ``PayloadWriter`` wrote them.
///
/// ```swift
/// var reader = PayloadReader(bytes)
/// let count = try reader.readUInt32()
/// let point = try reader.read(Point.self)
/// let samples = try reader.read([Double].self)
/// guard reader.isAtEnd else { … }
/// ```
///
/// Bad input (truncated, garbage, impossible lengths) throws a ``PayloadError``; it
/// never traps, and lengths are checked against the bytes left before anything is
/// allocated.
public struct PayloadReader: Sendable {
    private let storage: ArraySlice<UInt8>
    /// Bytes consumed so far, from the start of the payload.
    ///
    /// ```swift
    /// let header = try reader.readUInt32(); assert(reader.offset == 4)
    /// ```
    public private(set) var offset = 0

    /// Reads `bytes` from the start.
    ///
    /// ```swift
    /// var reader = PayloadReader(envelope.payload)
    /// ```
    public init(_ bytes: [UInt8]) {
        storage = bytes[...]
    }

    /// Reads a slice of a larger buffer, without copying it.
    ///
    /// ```swift
    /// var reader = PayloadReader(frame[headerSize...])
    /// ```
    public init(_ bytes: ArraySlice<UInt8>) {
        storage = bytes
    }

    /// Whether every byte has been read.
    ///
    /// ```swift
    /// while !reader.isAtEnd { items.append(try reader.read(Item.self)) }
    /// ```
    public var isAtEnd: Bool { offset >= storage.count }

    /// The number of bytes not read yet.
    ///
    /// ```swift
    /// if reader.remaining < 4 { … }
    /// ```
    public var remaining: Int { storage.count - offset }

    /// Reads a value of `type`, as `PayloadWriter.write(_:)` wrote it. An error thrown
    /// by the type's own `init(from:)` is reported as
    /// ``PayloadError/Reason/decodingFailed(type:underlying:)``.
    ///
    /// ```swift
    /// let options = try reader.read(Options.self)
    /// ```
    public mutating func read<T: Decodable>(_ type: T.Type) throws(PayloadError) -> T {
        var end = offset
        let value = try withBytes { raw throws(PayloadError) -> T in
            var cursor = _ByteCursor(raw, position: end)
            if case .raw(let raw) = _decodePath(T.self) {
                do throws(_ReadError) {
                    let value = try raw._payloadRead(as: T.self, from: &cursor)
                    end = cursor.position
                    return value
                } catch {
                    throw Self.failure(error, T.self)
                }
            }
            let decoder = _PayloadDecoder(cursor)
            defer { decoder.invalidate() }
            do {
                let value = try decoder.decodeValue(T.self)
                decoder.resolvePendingChild()
                end = decoder.cursor.position
                return value
            } catch let error as PayloadError {
                throw error
            } catch {
                throw PayloadError(.decodingFailed(type: _typeName(T.self), underlying: _describe(error)))
            }
        }
        offset = end
        return value
    }

    /// Reads a byte.
    ///
    /// ```swift
    /// let tag = try reader.readUInt8()
    /// ```
    public mutating func readUInt8() throws(PayloadError) -> UInt8 { try readFixed(UInt8.self) }

    /// Reads a little-endian `UInt32`.
    ///
    /// ```swift
    /// let count = try reader.readUInt32()
    /// ```
    public mutating func readUInt32() throws(PayloadError) -> UInt32 { try readFixed(UInt32.self) }

    /// Reads a little-endian `UInt64`.
    ///
    /// ```swift
    /// let id = FutureID(rawValue: try reader.readUInt64())
    /// ```
    public mutating func readUInt64() throws(PayloadError) -> UInt64 { try readFixed(UInt64.self) }

    /// Reads an `Int` written as 8 little-endian bytes.
    ///
    /// ```swift
    /// let n = try reader.readInt()
    /// ```
    public mutating func readInt() throws(PayloadError) -> Int { try readFixed(Int.self) }

    /// Reads a `Double` written as its bit pattern.
    ///
    /// ```swift
    /// let x = try reader.readDouble()
    /// ```
    public mutating func readDouble() throws(PayloadError) -> Double { try readFixed(Double.self) }

    /// Reads a `Bool` byte (0 or 1; anything else throws).
    ///
    /// ```swift
    /// let verbose = try reader.readBool()
    /// ```
    public mutating func readBool() throws(PayloadError) -> Bool { try readFixed(Bool.self) }

    /// Reads a varint-length-prefixed UTF-8 string.
    ///
    /// ```swift
    /// let name = try reader.readString()
    /// ```
    public mutating func readString() throws(PayloadError) -> String { try readFixed(String.self) }

    /// Reads varint-length-prefixed bytes.
    ///
    /// ```swift
    /// let blob = try reader.readBytes()
    /// ```
    public mutating func readBytes() throws(PayloadError) -> [UInt8] { try readFixed([UInt8].self) }

    /// Reads `count` bytes as they are (no length prefix), for a payload another
    /// writer made and ``PayloadWriter/appendRaw(_:)`` spliced in.
    ///
    /// ```swift
    /// let element = try reader.readRaw(count: reader.remaining)
    /// ```
    public mutating func readRaw(count: Int) throws(PayloadError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw PayloadError(.truncated(type: "raw bytes", needed: count, available: remaining))
        }
        let start = storage.startIndex + offset
        offset += count
        return Array(storage[start..<(start + count)])
    }

    // MARK: Helpers

    private mutating func readFixed<T: _PayloadRawDecodable>(_ type: T.Type) throws(PayloadError) -> T {
        var end = offset
        let value = try withBytes { raw throws(PayloadError) -> T in
            var cursor = _ByteCursor(raw, position: end)
            do throws(_ReadError) {
                let value = try T._payloadRead(from: &cursor)
                end = cursor.position
                return value
            } catch {
                throw Self.failure(error, T.self)
            }
        }
        offset = end
        return value
    }

    /// Runs `body` on the bytes (offsets relative to the slice), keeping the error typed.
    private func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(PayloadError) -> R) throws(PayloadError) -> R {
        do {
            return try storage.withUnsafeBytes { raw in try body(raw) }
        } catch let error as PayloadError {
            throw error
        } catch {
            throw PayloadError(.unsupported(detail: "unexpected error \(error)"))
        }
    }

    private static func failure(_ error: _ReadError, _ type: Any.Type) -> PayloadError {
        switch error {
        case let .truncated(needed, available):
            PayloadError(.truncated(type: _typeName(type), needed: needed, available: available))
        case let .corrupted(detail):
            PayloadError(.corrupted(type: _typeName(type), detail: detail))
        }
    }
}
