#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Key files for brokers and workers started by hand: `name = value` lines,
/// `#` comments. Readable by their owner only: reading refuses a file that
/// its group or others may access, or that belongs to another user; writing
/// creates it with mode 0600 and never replaces an existing file.
///
/// A broker file holds `server-public-key`, `server-secret-key` and one or
/// more `client-public-key`; a client file holds `server-public-key` and
/// `client-secret-key`.
///
/// ```swift
/// let (brokerFile, clientFile) = try CurveKeyFile.generate(in: "/home/me/.scoop")
/// let serverKeys = try CurveKeyFile.readServerKeys(at: brokerFile)
/// let clientKeys = try CurveKeyFile.readClientKeys(at: clientFile)
/// ```
public enum CurveKeyFile {
    /// Makes a fresh run's keys in `directory` (created with mode 0700 if
    /// missing): `broker.keys` and `client.keys`; returns their paths.
    public static func generate(in directory: String) throws(CurveKeyError) -> (broker: String, client: String) {
        let keys = try CurveRunKeys.generate()
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw CurveKeyError.io("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        let broker = directory + "/broker.keys", client = directory + "/client.keys"
        try create(broker, containing: serverText(keys.server))
        try create(client, containing: clientText(keys.client))
        return (broker, client)
    }

    /// The broker's keys from a broker file.
    public static func readServerKeys(at path: String) throws(CurveKeyError) -> CurveServerKeys {
        let fields = try load(path)
        let publicKey = try single("server-public-key", in: fields, path: path)
        let secretKey = try single("server-secret-key", in: fields, path: path)
        let clients = fields["client-public-key"] ?? []
        guard !clients.isEmpty else { throw CurveKeyError.malformed("\(path): no client-public-key line: no client could join") }
        for key in [publicKey, secretKey] + clients { try CurveClientKeys.check(key, name: "\(path): a key") }
        guard (try? ZMQCurve.publicKey(forSecretKey: secretKey)) == publicKey else {
            throw CurveKeyError.malformed("\(path): server-public-key does not belong to server-secret-key")
        }
        return CurveServerKeys(server: ZMQCurve.KeyPair(publicKey: publicKey, secretKey: secretKey),
                               authorizedClients: Set(clients))
    }

    /// A worker's or origin's keys from a client file.
    public static func readClientKeys(at path: String) throws(CurveKeyError) -> CurveClientKeys {
        let fields = try load(path)
        do {
            return try CurveClientKeys(serverPublicKey: single("server-public-key", in: fields, path: path),
                                       clientSecretKey: single("client-secret-key", in: fields, path: path))
        } catch {
            throw CurveKeyError.malformed(error.description.hasPrefix(path) ? error.description : "\(path): \(error)")
        }
    }

    static func serverText(_ keys: CurveServerKeys) -> String {
        "# swift-scoop CURVE keys of a broker (scoop broker --keys FILE). Keep secret: mode 0600.\n"
            + "server-public-key = \(keys.server.publicKey)\nserver-secret-key = \(keys.server.secretKey)\n"
            + keys.authorizedClients.sorted().map { "client-public-key = \($0)\n" }.joined()
    }

    static func clientText(_ keys: CurveClientKeys) -> String {
        "# swift-scoop CURVE keys of workers and origin (scoop worker --keys FILE). Keep secret: mode 0600.\n"
            + "server-public-key = \(keys.serverPublicKey)\nclient-secret-key = \(keys.client.secretKey)\n"
    }

    private static func single(_ name: String, in fields: [String: [String]], path: String) throws(CurveKeyError) -> String {
        guard let values = fields[name], values.count == 1 else {
            throw CurveKeyError.malformed("\(path): expected exactly one '\(name) = ...' line")
        }
        return values[0]
    }

    /// Reads a key file after checking, on the opened descriptor, who may read it.
    static func load(_ path: String) throws(CurveKeyError) -> [String: [String]] {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw CurveKeyError.io("cannot open the key file \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw CurveKeyError.io("cannot stat \(path): \(String(cString: strerror(errno)))") }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw CurveKeyError.insecureFile(
                "the key file \(path) may be read by other users (mode \(String(mode, radix: 8))): run `chmod 600 \(path)`")
        }
        if info.st_uid != geteuid() && geteuid() != 0 {
            throw CurveKeyError.insecureFile("the key file \(path) belongs to user id \(info.st_uid), not to this user (\(geteuid()))")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw CurveKeyError.io("cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes += buffer[0..<count]
            guard bytes.count < 1 << 20 else { throw CurveKeyError.malformed("\(path) is too large for a key file") }
        }
        return parse(String(decoding: bytes, as: UTF8.self))
    }

    static func parse(_ text: String) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: " \t")
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let name = trimmed[..<equals].trimmingCharacters(in: " \t")
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: " \t")
            fields[name, default: []].append(value)
        }
        return fields
    }

    private static func create(_ path: String, containing text: String) throws(CurveKeyError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CurveKeyError.io("cannot create \(path): \(String(cString: strerror(errno)))\(errno == EEXIST ? " (keys are never overwritten; remove it first)" : "")")
        }
        defer { close(descriptor) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw CurveKeyError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
            bytes = bytes.dropFirst(count)
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
