import CZeroMQ

/// One ZAP (ZeroMQ Authentication Protocol, RFC 27) request as a ROUTER
/// handler bound at `inproc://zeromq.zap.01` receives it, and its reply.
///
/// ```swift
/// if let request = ZAPRequest(frames: message) {
///     let allowed = request.mechanism == "CURVE" && keys.contains(request.clientKey ?? "")
///     loop.send(request.reply(allowed: allowed, reason: allowed ? "OK" : "unknown key"), on: zap)
/// }
/// ```
public struct ZAPRequest: Sendable, Equatable {
    /// The routing envelope (libzmq's REQ id and the empty delimiter).
    var envelope: [[UInt8]]
    public var requestID: [UInt8]
    public var domain: String
    /// The peer's IP address (without port).
    public var address: String
    public var mechanism: String
    /// For CURVE: the client's long-term public key, 32 bytes.
    public var credentials: [[UInt8]]

    /// Parses `[routing id, empty, "1.0", request id, domain, address, identity, mechanism, credentials...]`.
    public init?(frames: [[UInt8]]) {
        guard let delimiter = frames.firstIndex(of: []), frames.count >= delimiter + 7,
              frames[delimiter + 1] == Array("1.0".utf8) else { return nil }
        envelope = Array(frames[...delimiter])
        requestID = frames[delimiter + 2]
        domain = String(decoding: frames[delimiter + 3], as: UTF8.self)
        address = String(decoding: frames[delimiter + 4], as: UTF8.self)
        mechanism = String(decoding: frames[delimiter + 6], as: UTF8.self)
        credentials = Array(frames[(delimiter + 7)...])
    }

    /// The CURVE client's public key in Z85, if this is a CURVE request.
    public var clientKey: String? {
        guard mechanism == "CURVE", let key = credentials.first, key.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, key, key.count) != nil else { return nil }
        return String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The reply frames: status 200 (with `userID`) or 400.
    public func reply(allowed: Bool, reason: String, userID: String = "") -> [[UInt8]] {
        envelope + [Array("1.0".utf8), requestID, Array((allowed ? "200" : "400").utf8), Array(reason.utf8),
                    Array((allowed ? userID : "").utf8), []]
    }
}
