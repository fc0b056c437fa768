import ScoopZeroMQ
import Testing

@Suite(.enabled(if: ZMQCurve.isAvailable, "libzmq built without CURVE"))
struct ZMQCurveTests {
    @Test func keyPairsAreZ85() throws {
        let keys = try ZMQCurve.keyPair()
        #expect(keys.publicKey.count == 40)
        #expect(keys.secretKey.count == 40)
        #expect(keys.publicKey != keys.secretKey)
        #expect(try ZMQCurve.publicKey(forSecretKey: keys.secretKey) == keys.publicKey)
        #expect(try ZMQCurve.keyPair() != keys)
    }

    @Test func onlyClientsWithTheServerKeyGetThrough() throws {
        let context = try ZMQContext()
        let server = try ZMQCurve.keyPair()
        let router = try ZMQSocket(context: context, type: .router)
        try router.set(.linger(.zero))
        try router.set(.curveServer(true))
        try router.set(.curveSecretKey(Array(server.secretKey.utf8)))
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint

        let good = try client(context, endpoint: endpoint, serverKey: server.publicKey)
        try good.send(frames: [Array("secret".utf8)])
        let request = try #require(try router.receiveMultipart(timeout: .seconds(5)))
        #expect(request.last == Array("secret".utf8))
        try router.send(frames: [request[0], Array("ack".utf8)])
        #expect(try good.receiveMultipart(timeout: .seconds(5)) == [Array("ack".utf8)])

        let impostor = try client(context, endpoint: endpoint, serverKey: try ZMQCurve.keyPair().publicKey)
        try impostor.send(frames: [Array("let me in".utf8)])
        let plain = try ZMQSocket(context: context, type: .dealer)
        try plain.set(.linger(.zero))
        try plain.connect(endpoint)
        try plain.send(frames: [Array("no keys at all".utf8)])
        // Both handshakes fail within the handshake interval; nothing may arrive.
        #expect(try router.receiveMultipart(timeout: .milliseconds(750)) == nil)

        try good.send(frames: [Array("still fine".utf8)])
        #expect(try router.receiveMultipart(timeout: .seconds(5))?.last == Array("still fine".utf8))
    }

    private func client(_ context: ZMQContext, endpoint: String, serverKey: String) throws -> ZMQSocket {
        let keys = try ZMQCurve.keyPair()
        let socket = try ZMQSocket(context: context, type: .dealer)
        try socket.set(.linger(.zero))
        try socket.set(.handshakeInterval(.milliseconds(500)))
        try socket.set(.curveServerKey(Array(serverKey.utf8)))
        try socket.set(.curvePublicKey(Array(keys.publicKey.utf8)))
        try socket.set(.curveSecretKey(Array(keys.secretKey.utf8)))
        try socket.connect(endpoint)
        return socket
    }
}
