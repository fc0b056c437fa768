/// What a broker needs to require CURVE: its own key pair and the public
/// keys of the clients it lets in (every other client is refused by the
/// broker's ZAP handler, and the attempt is logged).
///
/// ```swift
/// let run = try CurveRunKeys.generate()
/// let broker = try ZeroMQBroker(bindTo: "tcp://*:*", workerCount: 4, curve: run.server, logger: logger)
/// ```
public struct CurveServerKeys: Sendable, Equatable {
    /// The broker's long-term key pair.
    public var server: ZMQCurve.KeyPair
    /// Z85 public keys of the clients allowed in.
    public var authorizedClients: Set<String>

    public init(server: ZMQCurve.KeyPair, authorizedClients: Set<String>) {
        self.server = server
        self.authorizedClients = authorizedClients
    }
}

/// What a worker or the origin needs to reach a CURVE broker: the broker's
/// public key and its own key pair (whose public key the broker knows).
///
/// ```swift
/// let transport = ZeroMQNodeTransport(brokerEndpoint: endpoint, workerID: WorkerID(1), workerCount: 2,
///                                     hostName: "node01", curve: run.client, logger: logger)
/// ```
public struct CurveClientKeys: Sendable, Equatable {
    /// The broker's Z85 public key: a client talks only to the holder of its secret.
    public var serverPublicKey: String
    /// This client's key pair.
    public var client: ZMQCurve.KeyPair

    public init(serverPublicKey: String, client: ZMQCurve.KeyPair) {
        self.serverPublicKey = serverPublicKey
        self.client = client
    }

    /// The client side from the server's public key and the client's secret
    /// key (its public key is derived); throws a readable error for a key that
    /// is not 40 characters of Z85.
    ///
    /// ```swift
    /// let keys = try CurveClientKeys(serverPublicKey: serverKey, clientSecretKey: secret)
    /// ```
    public init(serverPublicKey: String, clientSecretKey: String) throws(CurveKeyError) {
        try Self.check(serverPublicKey, name: "the server's public key")
        try Self.check(clientSecretKey, name: "the client's secret key")
        guard let publicKey = try? ZMQCurve.publicKey(forSecretKey: clientSecretKey) else {
            throw CurveKeyError.malformed("the client's secret key is not a CURVE key")
        }
        self.init(serverPublicKey: serverPublicKey, client: ZMQCurve.KeyPair(publicKey: publicKey, secretKey: clientSecretKey))
    }

    /// Throws unless `key` is 40 characters of the Z85 alphabet.
    static func check(_ key: String, name: String) throws(CurveKeyError) {
        guard key.utf8.count == 40, key.utf8.allSatisfy(z85Alphabet.contains) else {
            throw CurveKeyError.malformed("\(name) must be 40 characters of Z85 (got \(key.utf8.count) characters)")
        }
    }

    static let z85Alphabet = Set(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)
}

/// The keys of one run, made fresh by the launcher: a key pair for the broker
/// and one for the run's processes (the origin and every worker share it).
///
/// ```swift
/// let run = try CurveRunKeys.generate()
/// run.server.authorizedClients == [run.client.client.publicKey]  // true
/// ```
public struct CurveRunKeys: Sendable, Equatable {
    public var server: CurveServerKeys
    public var client: CurveClientKeys

    /// Two fresh key pairs; fails if libzmq has no CURVE.
    public static func generate() throws(CurveKeyError) -> CurveRunKeys {
        guard ZMQCurve.isAvailable else { throw CurveKeyError.unavailable }
        guard let server = try? ZMQCurve.keyPair(), let client = try? ZMQCurve.keyPair() else {
            throw CurveKeyError.unavailable
        }
        return CurveRunKeys(server: CurveServerKeys(server: server, authorizedClients: [client.publicKey]),
                            client: CurveClientKeys(serverPublicKey: server.publicKey, client: client))
    }
}

/// Why CURVE keys could not be made, read or used.
public enum CurveKeyError: Error, CustomStringConvertible, Equatable {
    /// libzmq was built without CURVE (libsodium).
    case unavailable
    /// A key or key file that does not say what it should.
    case malformed(String)
    /// A key file others may read, or that belongs to someone else.
    case insecureFile(String)
    /// A key file that cannot be read or written.
    case io(String)

    public var description: String {
        switch self {
        case .unavailable: "this libzmq has no CURVE support (zmq_has(\"curve\") is 0); install a libzmq built with libsodium"
        case .malformed(let detail), .insecureFile(let detail), .io(let detail): detail
        }
    }
}
