/// How payloads larger than one MPI message travel.
///
/// An MPI count is an `Int32`, so one message carries at most 2 GiB − 1
/// bytes. A payload of at most `maxPartSize` bytes (1 GiB by default) is sent
/// as one message on its own tag. A larger one is sent as:
///
/// 1. a 16-byte header on `headerTag` (32767): the magic `"SCMF"`, the
///    payload's tag (`Int32`) and its total length (`UInt64`), little-endian;
/// 2. then `⌈length / maxPartSize⌉` parts on `partTag` (32766), each at most
///    `maxPartSize` bytes, in order.
///
/// MPI never lets a message overtake an earlier one between the same pair of
/// ranks when both match the same receive, and one thread posts all the
/// messages of a payload back to back, so the receiver takes the parts that
/// follow a header from that source, in order, straight into the payload's
/// array. The receiver does not need to know the sender's `maxPartSize`: each
/// part's size comes from its envelope. User tags are therefore limited to
/// `0...maxUserTag` (32765); MPI guarantees tags up to 32767.
///
/// ```swift
/// MPIFraming.partRanges(totalLength: 2_500, maxPartSize: 1_024)  // [0..<1024, 1024..<2048, 2048..<2500]
/// ```
enum MPIFraming {
    /// The largest part: 1 GiB, half of MPI's `Int32` count limit.
    static let defaultMaxPartSize = 1 << 30
    /// Tag of the header announcing a multi-part payload.
    static let headerTag: Int32 = 32767
    /// Tag of the parts following a header.
    static let partTag: Int32 = 32766
    /// The largest tag a caller may use.
    static let maxUserTag: Int32 = 32765
    /// How long a receiver waits for the next part's envelope before it
    /// gives the payload up (the sender posts all parts at once).
    static let partArrivalTimeoutNanoseconds: UInt64 = 30_000_000_000

    /// Whether a payload of `length` bytes needs a header and parts.
    static func needsFraming(length: Int, maxPartSize: Int) -> Bool {
        length > maxPartSize
    }

    /// The byte ranges of the parts of a payload of `totalLength` bytes.
    static func partRanges(totalLength: Int, maxPartSize: Int) -> [Range<Int>] {
        precondition(maxPartSize > 0 && maxPartSize <= Int(Int32.max), "maxPartSize must be in 1...Int32.max")
        return stride(from: 0, to: totalLength, by: maxPartSize).map { start in
            start..<min(start + maxPartSize, totalLength)
        }
    }

    /// The header that precedes the parts of a framed payload.
    struct Header: Equatable, Sendable {
        static let byteCount = 16
        static let magic: UInt32 = 0x464D_4353  // "SCMF" read as little-endian

        var tag: Int32
        var totalLength: Int

        /// The 16 header bytes.
        func encoded() -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Self.byteCount)
            bytes += littleEndianBytes(Self.magic)
            bytes += littleEndianBytes(UInt32(bitPattern: tag))
            bytes += littleEndianBytes(UInt64(totalLength))
            return bytes
        }

        /// Decodes and checks a header; `nil` for anything malformed.
        init?(decoding bytes: [UInt8]) {
            guard bytes.count == Self.byteCount,
                  readLittleEndian(bytes, at: 0, as: UInt32.self) == Self.magic
            else { return nil }
            let tag = Int32(bitPattern: readLittleEndian(bytes, at: 4, as: UInt32.self))
            let length = readLittleEndian(bytes, at: 8, as: UInt64.self)
            guard (0...MPIFraming.maxUserTag).contains(tag), let totalLength = Int(exactly: length) else {
                return nil
            }
            self.init(tag: tag, totalLength: totalLength)
        }

        init(tag: Int32, totalLength: Int) {
            self.tag = tag
            self.totalLength = totalLength
        }
    }
}

private func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<T.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}

private func readLittleEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as _: T.Type) -> T {
    (0..<T.bitWidth / 8).reduce(T.zero) { value, index in
        value | (T(bytes[offset + index]) << (index * 8))
    }
}
