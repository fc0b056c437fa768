/// Why a value could not be encoded into, or decoded from, a payload.
///
/// ``codingPath`` says where: `points[3].x` is field `x` of element 3 of field
/// `points`; it is empty at the top level. ``description`` is a sentence meant for
/// the person reading the log.
///
/// ```swift
/// do {
///     let p = try PayloadCodec.decode(Plan.self, from: bytes)
/// } catch {
///     print(error)   // payload: truncated while decoding Int at points[3].x: needed 8 bytes, 2 left
/// }
/// ```
public struct PayloadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong. Type names are as `String(describing:)` prints them.
    public enum Reason: Equatable, Sendable {
        /// The payload ended in the middle of a value.
        case truncated(type: String, needed: Int, available: Int)
        /// The bytes cannot be a value of `type` (a Bool byte other than 0 or 1, invalid
        /// UTF-8, an impossible length, …).
        case corrupted(type: String, detail: String)
        /// A keyed container has no entry for `key`.
        case keyNotFound(key: String)
        /// A value of `type` was expected but the payload holds nil.
        case valueNotFound(type: String)
        /// The stored value does not have the shape `type` needs.
        case typeMismatch(type: String, detail: String)
        /// Bytes were left after the value (``PayloadCodec/decode(_:from:)`` reads the whole payload).
        case trailingBytes(type: String, count: Int)
        /// A type's own `encode(to:)` threw; `underlying` is that error's description.
        case encodingFailed(type: String, underlying: String)
        /// A type's own `init(from:)` threw; `underlying` is that error's description.
        case decodingFailed(type: String, underlying: String)
        /// A `Codable` implementation used the encoder or decoder in a way this format
        /// cannot support (for example a keyed and an unkeyed container for one value).
        case unsupported(detail: String)
    }

    /// What went wrong.
    ///
    /// ```swift
    /// if case .keyNotFound(let key) = error.reason { print("missing \(key)") }
    /// ```
    public var reason: Reason
    /// Where: keys joined with `.`, indices in brackets (`points[3].x`); empty at the top level.
    ///
    /// ```swift
    /// log.error("bad argument at \(error.codingPath)")
    /// ```
    public var codingPath: String

    /// Creates an error; ``codingPath`` is empty at the top level.
    ///
    /// ```swift
    /// throw PayloadError(.corrupted(type: "Header", detail: "bad magic"))
    /// ```
    public init(_ reason: Reason, codingPath: String = "") {
        self.reason = reason
        self.codingPath = codingPath
    }

    /// A sentence for the log, starting with `payload:`.
    ///
    /// ```swift
    /// print(error)   // payload: no value for key 'c' at the top level
    /// ```
    public var description: String {
        let place = codingPath.isEmpty ? "at the top level" : "at \(codingPath)"
        switch reason {
        case let .truncated(type, needed, available):
            return "payload: truncated while decoding \(type) \(place): needed \(needed) bytes, \(available) left"
        case let .corrupted(type, detail):
            return "payload: invalid data while decoding \(type) \(place): \(detail)"
        case let .keyNotFound(key):
            return "payload: no value for key '\(key)' \(place)"
        case let .valueNotFound(type):
            return "payload: expected a value of type \(type) \(place) but found nil"
        case let .typeMismatch(type, detail):
            return "payload: cannot decode \(type) \(place): \(detail)"
        case let .trailingBytes(type, count):
            return "payload: \(count) unread bytes after the value of type \(type); was it encoded as another type?"
        case let .encodingFailed(type, underlying):
            return "payload: value of type \(type) \(place) could not be encoded: \(underlying)"
        case let .decodingFailed(type, underlying):
            return "payload: value of type \(type) \(place) could not be decoded: \(underlying)"
        case let .unsupported(detail):
            return "payload: unsupported use of the coder \(place): \(detail)"
        }
    }
}
