import Foundation
import ScoopZeroMQ
import Testing

/// Key files for brokers and workers run by hand, and keys in the environment.
@Suite(.enabled(if: ZMQCurve.isAvailable, "libzmq built without CURVE"))
struct CurveKeyFileTests {
    let directory = NSTemporaryDirectory() + "scoop-keys-\(UUID().uuidString.prefix(8))"

    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    private func removeDirectory() { try? FileManager.default.removeItem(atPath: directory) }

    @Test func keygenWritesPrivateFilesThatReadBackAsOneRunsKeys() throws {
        defer { removeDirectory() }
        let (brokerFile, clientFile) = try CurveKeyFile.generate(in: directory)
        #expect(try mode(directory) == 0o700)
        #expect(try mode(brokerFile) == 0o600)
        #expect(try mode(clientFile) == 0o600)
        let server = try CurveKeyFile.readServerKeys(at: brokerFile)
        let client = try CurveKeyFile.readClientKeys(at: clientFile)
        #expect(client.serverPublicKey == server.server.publicKey)
        #expect(server.authorizedClients == [client.client.publicKey])
        #expect(!(try String(contentsOfFile: clientFile, encoding: .utf8)).contains(server.server.secretKey))
        // Never overwritten.
        #expect(throws: CurveKeyError.self) { try CurveKeyFile.generate(in: directory) }
        #expect(try CurveKeyFile.readClientKeys(at: clientFile) == client)
    }

    @Test(arguments: [0o640, 0o604, 0o660, 0o644])
    func aKeyFileOthersMayReadIsRefusedWithTheFix(_ permissions: Int) throws {
        defer { removeDirectory() }
        let (_, clientFile) = try CurveKeyFile.generate(in: directory)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: clientFile)
        #expect {
            try CurveKeyFile.readClientKeys(at: clientFile)
        } throws: { error in
            guard case CurveKeyError.insecureFile(let message) = error else { return false }
            return message.contains("may be read by other users (mode \(String(permissions, radix: 8)))")
                && message.contains("chmod 600 \(clientFile)")
        }
    }

    @Test func aMalformedKeyFileSaysWhatIsWrong() throws {
        defer { removeDirectory() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/client.keys"
        _ = FileManager.default.createFile(atPath: path, contents: Data("server-public-key = short\nclient-secret-key = x\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        #expect {
            try CurveKeyFile.readClientKeys(at: path)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("must be 40 characters of Z85")
        }
        #expect(throws: CurveKeyError.self) { try CurveKeyFile.readServerKeys(at: path) }
        #expect(throws: CurveKeyError.self) { try CurveKeyFile.readClientKeys(at: directory + "/missing") }
    }

    @Test func environmentVariablesCarryTheClientKeys() throws {
        let run = try CurveRunKeys.generate()
        let variables = CurveEnvironment.variables(for: run.client)
        #expect(try CurveEnvironment.clientKeys(from: variables) == run.client)
        #expect(try CurveEnvironment.clientKeys(from: [:]) == nil)
        #expect(throws: CurveKeyError.self) {
            try CurveEnvironment.clientKeys(from: [CurveEnvironment.serverKey: run.client.serverPublicKey])
        }
    }

    @Test func aKeyFileNamedInTheEnvironmentIsRead() throws {
        defer { removeDirectory() }
        let (_, clientFile) = try CurveKeyFile.generate(in: directory)
        let keys = try CurveEnvironment.clientKeys(from: [CurveEnvironment.keyFile: clientFile])
        #expect(keys == (try CurveKeyFile.readClientKeys(at: clientFile)))
    }
}
