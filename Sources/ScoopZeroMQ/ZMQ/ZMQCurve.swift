import CZeroMQ

/// CURVE (elliptic-curve authentication and encryption) helpers.
///
/// ```swift
/// let server = try ZMQCurve.keyPair()
/// try router.set(.curveServer(true))
/// try router.set(.curveSecretKey(Array(server.secretKey.utf8)))
/// let client = try ZMQCurve.keyPair()
/// try dealer.set(.curveServerKey(Array(server.publicKey.utf8)))
/// try dealer.set(.curvePublicKey(Array(client.publicKey.utf8)))
/// try dealer.set(.curveSecretKey(Array(client.secretKey.utf8)))
/// ```
public enum ZMQCurve {
    /// A CURVE key pair as 40-character Z85 strings.
    public struct KeyPair: Sendable, Hashable {
        /// The public key; give it to peers.
        public let publicKey: String
        /// The secret key; never leaves the process that made it.
        public let secretKey: String
    }

    /// Whether this libzmq was built with CURVE support (`zmq_has("curve")`).
    ///
    /// ```swift
    /// guard ZMQCurve.isAvailable else { fatalError("libzmq without CURVE") }
    /// ```
    public static var isAvailable: Bool { zmq_has("curve") != 0 }

    /// A fresh key pair (`zmq_curve_keypair`).
    ///
    /// ```swift
    /// let keys = try ZMQCurve.keyPair()  // keys.publicKey.count == 40
    /// ```
    public static func keyPair() throws(ZMQError) -> KeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        if zmq_curve_keypair(&publicKey, &secretKey) != 0 { throw ZMQError.last("zmq_curve_keypair") }
        return KeyPair(publicKey: z85String(publicKey), secretKey: z85String(secretKey))
    }

    /// The public key that belongs to `secretKey`, both Z85 (`zmq_curve_public`).
    ///
    /// ```swift
    /// let publicKey = try ZMQCurve.publicKey(forSecretKey: keys.secretKey)
    /// ```
    public static func publicKey(forSecretKey secretKey: String) throws(ZMQError) -> String {
        var publicKey = [CChar](repeating: 0, count: 41)
        if zmq_curve_public(&publicKey, secretKey) != 0 { throw ZMQError.last("zmq_curve_public") }
        return z85String(publicKey)
    }

    private static func z85String(_ text: [CChar]) -> String {
        String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
