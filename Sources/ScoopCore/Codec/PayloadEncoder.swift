// MARK: - The payload format (version 1; keep it stable)
//
// A compact, non-self-describing binary encoding of `Codable` values. Decoding
// needs the type that was encoded (every process runs the same binary).
//
//   varint     unsigned LEB128: 7 bits a byte, least significant group first,
//              high bit set on every byte but the last; at most 10 bytes.
//   Bool       1 byte, 0 or 1 (anything else is refused).
//   Int8…Int64, UInt8…UInt64
//              fixed width, little-endian two's complement.
//   Int, UInt  always 8 bytes, like Int64 / UInt64.
//   Float, Double
//              the IEEE 754 bit pattern (UInt32 / UInt64), little-endian;
//              NaN payloads and signed zeros are preserved.
//   String     varint UTF-8 byte count, then the UTF-8 bytes (validated on read).
//   Optional   presence byte 0 (nil) or 1 followed by the wrapped value, except
//              as the value of a keyed entry, where the entry header says nil.
//   keyed container (structs, classes, enums, dictionaries with String or Int keys)
//              varint entry count, then per entry:
//                varint key length, UTF-8 key (`CodingKey.stringValue`, also for
//                int keys), varint tag: 0 = nil, n + 1 = the value takes the
//                next n bytes.
//              Entries are in the order they were encoded; the decoder looks them
//              up by key, so types that encode keys conditionally or decode them
//              in another order work. `superEncoder()` is the entry `super`.
//   unkeyed container (arrays, sets, …)
//              varint element count, then the elements back to back.
//              The count must not exceed the bytes left when decoding.
//   single-value container (used by a type's own `encode(to:)`, e.g. RawRepresentable
//              enums): a presence byte, 0 after `encodeNil()`, 1 before a value.
//
// Fast paths, byte-identical to the general path: the scalars above and String,
// Optional, arrays of fixed-width numbers ([UInt8], [Int], [Double], …: a varint
// count then one copy of the little-endian elements), and Foundation's `Data`
// (like [UInt8]).

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

    @exclusivity(unchecked) var bytes: [UInt8]
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

    init(bytes: [UInt8] = [], codingPath: [any CodingKey] = []) {
        self.bytes = bytes
        self.codingPath = codingPath
    }

    // MARK: Values

    /// Encodes any value at the end of ``bytes``, through its fast path if it has one.
    func encodeValue<T: Encodable>(_ value: T, key: (any CodingKey)? = nil) throws {
        switch path(T.self) {
        case .raw(let raw):
            raw._payloadWrite(value, to: &bytes)
        case .optional(let optional):
            if let wrapped = optional._payloadWrapped(of: value) {
                bytes.append(1)
                try encodeValue(wrapped, key: key)
            } else {
                bytes.append(0)
            }
        case .plain:
            try encodePlain(value, key: key)
        }
    }

    @inline(__always)
    func path<T: Encodable>(_ type: T.Type) -> _EncodePath {
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
                bytes._appendString(child.key ?? "")
                bytes._appendLength(child.encoder.bytes.count + 1)
                bytes.append(contentsOf: child.encoder.bytes)
            }
        case .unkeyed:
            if let children = frame.children {
                try spliceUnkeyedChildren(children)
            }
        }
        bytes._patchVarint(frame.count, at: frame.countOffset)
    }

    /// Inserts nested unkeyed elements at the offsets where they were created, in one pass.
    private func spliceUnkeyedChildren(_ children: [Child]) throws {
        for child in children { try child.encoder.finishRoot() }
        let start = children[0].offset
        var merged: [UInt8] = []
        merged.reserveCapacity(bytes.count - start + children.reduce(0) { $0 + $1.encoder.bytes.count })
        var cursor = start
        for child in children {
            merged.append(contentsOf: bytes[cursor..<child.offset])
            merged.append(contentsOf: child.encoder.bytes)
            cursor = child.offset
        }
        merged.append(contentsOf: bytes[cursor...])
        bytes.replaceSubrange(start..., with: merged)
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
        frame.countOffset = bytes.count
        bytes.append(0)
    }

    /// Makes a child encoder for a nested container or super-encoder of the current frame.
    func makeChild(key: any CodingKey, keyString: String?) -> _PayloadEncoder {
        let child = _PayloadEncoder(codingPath: codingPath + [key])
        frame.count += 1
        if frame.children == nil { frame.children = [] }
        frame.children?.append(Child(key: keyString, offset: bytes.count, encoder: child))
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
