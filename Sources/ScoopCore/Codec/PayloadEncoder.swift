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
    @exclusivity(unchecked) var nextValueID = 2
    /// Misuse detected where no error can be thrown; thrown when encoding finishes.
    @exclusivity(unchecked) var misuse: PayloadError?
    /// The last type that took a fast path, to skip the cast for arrays of optionals.
    @exclusivity(unchecked) var recentType: ObjectIdentifier?
    @exclusivity(unchecked) var recentPath = _EncodePath.plain

    init(capacity: Int = 256, codingPath: [any CodingKey] = []) {
        self.buffer = _WriteBuffer(capacity: capacity)
        self.codingPath = codingPath
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
