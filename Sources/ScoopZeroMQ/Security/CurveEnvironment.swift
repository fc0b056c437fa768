/// How a process started by `scoop run` or `scoop worker` receives its CURVE
/// keys: in its environment (which only its user and root can read, unlike
/// its command line), or as the path of a key file made by `scoop keygen`.
///
/// ```swift
/// // In the launcher:
/// environment.merge(CurveEnvironment.variables(for: run.client)) { $1 }
/// // In the worker:
/// let keys = try CurveEnvironment.clientKeys(from: ProcessInfo.processInfo.environment)
/// ```
public enum CurveEnvironment {
    /// The broker's public key (Z85).
    public static let serverKey = "SCOOP_CURVE_SERVER_KEY"
    /// This process's secret key (Z85); its public key is derived from it.
    public static let secretKey = "SCOOP_CURVE_SECRET_KEY"
    /// A client key file (see ``CurveKeyFile``), for programs started by hand.
    public static let keyFile = "SCOOP_CURVE_KEY_FILE"

    /// The variables that hand `keys` to a process.
    public static func variables(for keys: CurveClientKeys) -> [String: String] {
        [serverKey: keys.serverPublicKey, secretKey: keys.client.secretKey]
    }

    /// The keys `environment` hands over, nil when it has none (the broker
    /// then must not require CURVE); throws when they are incomplete or bad.
    public static func clientKeys(from environment: [String: String]) throws(CurveKeyError) -> CurveClientKeys? {
        let server = environment[serverKey].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment[secretKey].flatMap { $0.isEmpty ? nil : $0 }
        switch (server, secret) {
        case let (server?, secret?):
            return try CurveClientKeys(serverPublicKey: server, clientSecretKey: secret)
        case (nil, nil):
            guard let path = environment[keyFile], !path.isEmpty else { return nil }
            return try CurveKeyFile.readClientKeys(at: path)
        default:
            throw CurveKeyError.malformed("\(serverKey) and \(secretKey) must be set together (only one of them is)")
        }
    }
}
