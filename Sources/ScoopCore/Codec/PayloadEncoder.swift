// MARK: - The payload format (version 1; keep it stable)
//
// A compact binary encoding of `Codable` values. It is not self-describing:
// decoding needs the type that was encoded (every process runs the same binary).
//
//   varint   unsigned LEB128: 7 bits a byte, least significant group first, the
//            high bit set on every byte but the last; at most 10 bytes.
//   Bool     1 byte, 0 or 1 (anything else is refused).
//   Int8 … Int64, UInt8 … UInt64
//            fixed width, little-endian (two's complement).
//   Int, UInt
//            always 8 bytes, as Int64 / UInt64, on every platform.
//   Float, Double
//            the IEEE 754 bit pattern as UInt32 / UInt64: NaN payloads and -0 survive.
//   String   varint UTF-8 byte count, then the UTF-8 bytes (validated when read).
//
//   A *slot* holds one value and says whether it is nil:
//     keyed entry     varint key byte count, UTF-8 key (`CodingKey.stringValue`,
//                     also for int keys), varint tag: 0 = nil, n + 1 = a value of
//                     n bytes follows.
//     unkeyed element presence byte: 0 = nil, 1 = a value follows.
//     single value    presence byte, as for an unkeyed element.
//   An Optional in a slot is unwrapped once: its nil is the slot's nil. An Optional
//   anywhere else (at the top level, or inside another Optional) is a presence byte,
//   0 or 1, followed by the wrapped value when 1. So `encodeNil()` / `decodeNil()` work
//   in every container, and `encode(x as Int?)` reads back with `decodeIfPresent`.
//
//   keyed container     varint entry count, then the entries in the order they were
//                       encoded. The decoder finds entries by key, so types that
//                       encode keys conditionally or decode them in another order work.
//                       `superEncoder()` is the entry "super".
//   unkeyed container   varint element count, then the elements (each a slot).
//   single value        the slot alone.
//   a value's own `encode(to:)` writes exactly one of those, or nothing.
//
// Fast paths (no per-element cost; the decoder takes the same path for the same type):
//   arrays of Int8 … UInt64, Int, UInt, Float, Double, Bool
//            varint count, then the elements' bytes as above, back to back (one copy).
//   Data     like [UInt8].
//   String, the scalars and Optional skip the `Codable` machinery but write the
//   bytes described above.
//
// Limits checked when decoding, before allocating: every count and length must fit
// in the bytes left; values may nest at most 512 deep (recursive types).

/// Encodes `Encodable` values into a byte array in the payload format.
///
/// One encoder serves a whole top-level value: nested values reuse it, and the
/// containers of the value being encoded are described by ``frame``. Nested
/// containers and super-encoders, which a type may write in any order, get a
/// child encoder whose bytes are spliced in when the parent finishes.
final class _PayloadEncoder: Encoder {
    /// What the value being encoded has written so far.
    struct Frame {
        enum Kind { case none, keyed, unkeyed, single }
        var kind = Kind.none
        /// Offset of the one byte reserved for the count (keyed and unkeyed).
        var countOffset = 0
        /// Entries (keyed) or elements (unkeyed) so far.
        var count = 0
        /// Nested containers and super-encoders, spliced in at ``finishFrame()``.
        var children: [Child]? = nil
    }

    /// A nested container or super-encoder, written by a child encoder.
    struct Child {
        /// The entry's key (keyed parent); nil for an unkeyed parent.
        var key: String?
        /// Where the element goes (unkeyed parent).
        var offset: Int
        var encoder: _PayloadEncoder
    }

    @exclusivity(unchecked) var buffer: _WriteBuffer
    @exclusivity(unchecked) var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    @exclusivity(unchecked) var frame = Frame()
    /// Identifies the value being encoded, so a container can tell it is used in time.
    @exclusivity(unchecked) var valueID = 1
    @exclusivity(unchecked) private var nextValueID = 2
    /// Misuse detected where no error can be thrown; thrown when encoding finishes.
    @exclusivity(unchecked) var misuse: PayloadError?
    /// The last type that took a fast path, to skip the cast for arrays of optionals.
    @exclusivity(unchecked) private var recentType: ObjectIdentifier?
    @exclusivity(unchecked) private var recentPath = _EncodePath.plain

    init(capacity: Int = 256, codingPath: [any CodingKey] = []) {
        self.buffer = _WriteBuffer(capacity: capacity)
        self.codingPath = codingPath
    }

    // MARK: Values

    /// Encodes any value at the end of ``buffer``, through its fast path if it has one.
    func encodeValue<T: Encodable>(_ value: T, key: (any CodingKey)? = nil) throws {
        switch path(T.self) {
        case .raw(let raw):
            raw._payloadWrite(value, to: &buffer)
        case .optional(let optional):
            if let wrapped = optional._payloadWrapped(of: value) {
                buffer.append(1)
                try encodeValue(wrapped, key: key)
            } else {
                buffer.append(0)
            }
        case .direct(let direct):
            try withKey(key) { try direct._payloadEncode(value, into: self) }
        case .plain:
            try encodePlain(value, key: key)
        }
    }

    /// Runs `body` with `key` appended to the coding path.
    @inline(__always)
    func withKey<R>(_ key: (any CodingKey)?, _ body: () throws -> R) rethrows -> R {
        guard let key else { return try body() }
        codingPath.append(key)
        defer { codingPath.removeLast() }
        return try body()
    }

    /// Encodes a value in a slot of an unkeyed or single-value container: a presence
    /// byte (0 nil, 1 a value follows), then the value. An optional is unwrapped once,
    /// its nil or presence being the slot's.
    func encodeSlot<T: Encodable>(_ value: T, key: (any CodingKey)? = nil) throws {
        switch path(T.self) {
        case .raw(let raw):
            buffer.append(1)
            raw._payloadWrite(value, to: &buffer)
        case .optional(let optional):
            if let wrapped = optional._payloadWrapped(of: value) {
                buffer.append(1)
                try encodeValue(wrapped, key: key)
            } else {
                buffer.append(0)
            }
        case .direct(let direct):
            buffer.append(1)
            try withKey(key) { try direct._payloadEncode(value, into: self) }
        case .plain:
            buffer.append(1)
            try encodePlain(value, key: key)
        }
    }

    /// Writes the tag and the value of a keyed entry (the key is already written).
    /// An optional is unwrapped once: nil is tag 0, a value is written without a
    /// presence byte.
    func encodeEntry<T: Encodable>(_ value: T, key: any CodingKey) throws {
        switch path(T.self) {
        case .raw(let raw):
            buffer.appendLength(raw._payloadSize(of: value) + 1)
            raw._payloadWrite(value, to: &buffer)
        case .optional(let optional):
            if let wrapped = optional._payloadWrapped(of: value) {
                try encodeEntryBody(wrapped, key: key)
            } else {
                buffer.append(0)
            }
        case .direct, .plain:
            try encodeEntryBody(value, key: key)
        }
    }

    /// Writes a tag for a value whose size is known only once it is encoded.
    private func encodeEntryBody<T: Encodable>(_ value: T, key: any CodingKey) throws {
        let tagOffset = buffer.count
        buffer.append(0)
        try encodeValue(value, key: key)
        let valueSize = buffer.count - tagOffset - 1
        buffer.patchVarint(valueSize + 1, at: tagOffset)
    }

    /// Scalars are recognised by identity; the last type with another fast path is
    /// remembered (arrays of optionals would otherwise cast every element).
    @inline(__always)
    func path<T: Encodable>(_ type: T.Type) -> _EncodePath {
        if let scalar = _scalarType(type) { return .raw(scalar) }
        let id = ObjectIdentifier(type)
        if id == recentType { return recentPath }
        let path = _encodePath(type)
        if case .plain = path {} else {
            recentType = id
            recentPath = path
        }
        return path
    }

    /// Encodes a value through its own `encode(to:)`, in a fresh frame.
    func encodePlain<T: Encodable>(_ value: T, key: (any CodingKey)?) throws {
        let outerFrame = frame
        let outerID = valueID
        frame = Frame()
        valueID = nextValueID
        nextValueID &+= 1
        if let key { codingPath.append(key) }
        defer {
            if key != nil { codingPath.removeLast() }
            frame = outerFrame
            valueID = outerID
        }
        do {
            try value.encode(to: self)
        } catch let error as PayloadError {
            throw error
        } catch {
            throw PayloadError(
                .encodingFailed(type: _typeName(T.self), underlying: _describe(error)),
                codingPath: _renderPath(codingPath))
        }
        try finishFrame()
    }

    /// Patches the count of the current frame's container and splices in its children.
    func finishFrame() throws {
        switch frame.kind {
        case .none, .single:
            return
        case .keyed:
            for child in frame.children ?? [] {
                try child.encoder.finishRoot()
                buffer.appendString(child.key ?? "")
                buffer.appendLength(child.encoder.buffer.count + 1)
                buffer.append(child.encoder.buffer.bytes)
            }
        case .unkeyed:
            if let children = frame.children {
                try spliceUnkeyedChildren(children)
            }
        }
        buffer.patchVarint(frame.count, at: frame.countOffset)
    }

    /// Inserts nested unkeyed elements at the offsets where they were created, in one pass.
    private func spliceUnkeyedChildren(_ children: [Child]) throws {
        for child in children { try child.encoder.finishRoot() }
        let start = children[0].offset
        let added = children.reduce(0) { $0 + $1.encoder.buffer.count }
        var merged = _WriteBuffer(capacity: buffer.count - start + added)
        var cursor = start
        let current = buffer.bytes
        for child in children {
            merged.append(UnsafeRawBufferPointer(rebasing: current[cursor..<child.offset]))
            merged.append(child.encoder.buffer.bytes)
            cursor = child.offset
        }
        merged.append(UnsafeRawBufferPointer(rebasing: current[cursor...]))
        buffer.replaceTail(from: start, with: merged)
    }

    /// Finishes a child encoder's only value.
    func finishRoot() throws {
        try finishFrame()
        frame = Frame()
        if let misuse { throw misuse }
    }

    // MARK: Container bookkeeping

    /// Fails unless the container of value `id` is the one being written.
    @inline(__always)
    func checkCurrent(_ id: Int) throws {
        guard id == valueID else {
            throw PayloadError(
                .unsupported(detail: "a container was written after the value it belongs to was finished"),
                codingPath: _renderPath(codingPath))
        }
    }

    func recordMisuse(_ detail: String) {
        if misuse == nil {
            misuse = PayloadError(.unsupported(detail: detail), codingPath: _renderPath(codingPath))
        }
    }

    /// Starts (or, for a second request by the same value, continues) a keyed or unkeyed container.
    func beginContainer(_ kind: Frame.Kind) {
        if frame.kind == kind { return }
        if frame.kind != .none {
            recordMisuse("one value asked for both a \(frame.kind) and a \(kind) container")
            return
        }
        frame.kind = kind
        frame.countOffset = buffer.count
        buffer.append(0)
    }

    /// Makes a child encoder for a nested container or super-encoder of the current frame.
    func makeChild(key: any CodingKey, keyString: String?) -> _PayloadEncoder {
        let child = _PayloadEncoder(capacity: 64, codingPath: codingPath + [key])
        frame.count += 1
        if keyString == nil { buffer.append(1) }   // an unkeyed element's presence byte
        if frame.children == nil { frame.children = [] }
        frame.children?.append(Child(key: keyString, offset: buffer.count, encoder: child))
        return child
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        beginContainer(.keyed)
        return KeyedEncodingContainer(_KeyedEncodingContainer<Key>(encoder: self, valueID: valueID))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        beginContainer(.unkeyed)
        return _UnkeyedEncodingContainer(encoder: self, valueID: valueID)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        if frame.kind == .none { frame.kind = .single }
        return _SingleValueEncodingContainer(encoder: self, valueID: valueID)
    }
}
