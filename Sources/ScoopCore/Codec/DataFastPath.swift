// Foundation's `Data` as a fast path: a varint count and one copy, the same bytes
// as `[UInt8]`. (`Data`'s own `Codable` would write one element at a time.)
#if canImport(FoundationEssentials)
import FoundationEssentials
#elseif canImport(Foundation)
import Foundation
#endif

#if canImport(FoundationEssentials) || canImport(Foundation)
extension Data: _PayloadRawEncodable, _PayloadRawDecodable {
    var _payloadSize: Int { _lengthSize(count) + count }

    func _payloadWrite(to buffer: inout _WriteBuffer) {
        buffer.appendLength(count)
        withUnsafeBytes { buffer.append($0) }
    }

    func _payloadAppend(to bytes: inout [UInt8]) {
        bytes._appendLength(count)
        withUnsafeBytes { bytes.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    static func _payloadRead(from cursor: inout _ByteCursor) throws(_ReadError) -> Data {
        let count = try cursor.readLength(limit: cursor.remaining, what: "byte count")
        return Data(try cursor.readSlice(count))
    }
}
#endif
