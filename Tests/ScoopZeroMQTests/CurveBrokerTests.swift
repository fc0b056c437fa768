import Foundation
import ScoopCore
import ScoopZeroMQ
import Synchronization
import Testing

/// A broker that requires the run's CURVE keys, with real sockets on loopback:
/// members with the keys work as usual; a process without them gets nothing
/// and the broker logs its attempt.
@Suite(.enabled(if: ZMQCurve.isAvailable, "libzmq built without CURVE"))
struct CurveBrokerTests {
    /// Collects what a node transport delivers.
    final class Inbox: NodeTransportDelegate {
        private let received = Mutex<[Envelope]>([])
        var envelopes: [Envelope] { received.withLock { $0 } }
        func transport(received envelope: Envelope) { received.withLock { $0.append(envelope) } }
        func transportClosed(reason: String) {}
    }

    let keys: CurveRunKeys
    let capture = LogCapture()
    let broker: ZeroMQBroker

    init() throws {
        keys = try CurveRunKeys.generate()
        broker = try ZeroMQBroker(bindTo: "tcp://127.0.0.1:*", workerCount: 2, curve: keys.server,
                                  logger: capture.logger(level: .info))
    }

    private func node(_ id: WorkerID, curve: CurveClientKeys?, heartbeat: Heartbeat = Heartbeat()) -> ZeroMQNodeTransport {
        ZeroMQNodeTransport(brokerEndpoint: broker.endpoint, workerID: id, workerCount: 2, hostName: "test",
                            heartbeat: heartbeat, curve: curve, logger: capture.logger())
    }

    @Test func membersWithTheRunsKeysJoinAndExchangeTasksAndResults() async throws {
        defer { broker.stop() }
        #expect(broker.requiresCurve)
        let origin = node(.origin, curve: keys.client), worker = node(WorkerID(1), curve: keys.client)
        let originInbox = Inbox(), workerInbox = Inbox()
        try await origin.start(delegate: originInbox)
        try await worker.start(delegate: workerInbox)
        worker.send(Envelope(kind: .request, source: WorkerID(1), payload: [1, 0, 0, 0]))
        let id = FutureID(owner: .origin, sequence: 1)
        origin.send(Envelope(kind: .task, futureID: id, source: .origin, payload: [42]))
        #expect(await eventually { workerInbox.envelopes.contains { $0.kind == .task && $0.payload == [42] } })
        worker.send(Envelope(kind: .result, futureID: id, source: WorkerID(1), target: .origin, payload: [84]))
        #expect(await eventually { originInbox.envelopes.contains { $0.kind == .result && $0.payload == [84] } })
        #expect(broker.members == [.origin, WorkerID(1)])
        #expect(broker.refusedConnections == 0, "\(capture.lines)")
        await worker.shutdown()
        await origin.shutdown()
    }

    @Test(arguments: ["no keys", "a wrong client key", "a wrong server key"])
    func aClientWithoutTheKeysGetsNothingAndIsLogged(_ case: String) async throws {
        defer { broker.stop() }
        let origin = node(.origin, curve: keys.client)
        try await origin.start(delegate: Inbox())
        // A task waits in the broker's queue: a worker that got in would be handed it.
        origin.send(Envelope(kind: .task, futureID: FutureID(owner: .origin, sequence: 1), source: .origin, payload: [7]))

        let context = try ZMQContext()
        let rogue = try ZMQSocket(context: context, type: .dealer)
        try rogue.set(.linger(.zero))
        try rogue.set(.routingID([0x77, 9, 0, 0, 0]))
        switch `case` {
        case "a wrong client key":
            let stranger = try ZMQCurve.keyPair()
            try rogue.set(.curveServerKey(Array(keys.server.server.publicKey.utf8)))
            try rogue.set(.curvePublicKey(Array(stranger.publicKey.utf8)))
            try rogue.set(.curveSecretKey(Array(stranger.secretKey.utf8)))
        case "a wrong server key":
            // The run's own client keys, but not the broker's key: it cannot prove who it talks to.
            try rogue.set(.curveServerKey(Array(try ZMQCurve.keyPair().publicKey.utf8)))
            try rogue.set(.curvePublicKey(Array(keys.client.client.publicKey.utf8)))
            try rogue.set(.curveSecretKey(Array(keys.client.client.secretKey.utf8)))
        default:
            break
        }
        try rogue.connect(broker.endpoint)
        let join = JoinRequest(build: BuildIdentity.current, workerID: 9, host: "rogue", processID: 1, slots: 1)
        try rogue.send(frames: [Envelope(kind: .join, source: WorkerID(9), payload: try PayloadCodec.encode(join)).encoded()])
        try rogue.send(frames: [Envelope(kind: .request, source: WorkerID(9), payload: [1, 0, 0, 0]).encoded()])

        let expected = switch `case` {
        // Whichever side sees the mechanism mismatch first closes the connection.
        case "no keys": "no CURVE keys"
        case "a wrong client key": "is not one of this run's"
        default: "it does not have this run's server key"
        }
        // ZAP names the address of a wrong client key; other refusals name it when it can still be read.
        let from = `case` == "a wrong client key" ? "refused a connection from 127.0.0.1" : "refused a connection from "
        #expect(await eventually { capture.lines.contains { $0.contains(from) && $0.contains(expected) } }, "\(capture.lines)")
        #expect(broker.refusedConnections >= 1)
        // Refused at the handshake: no welcome, no task, no heartbeat — nothing at all.
        #expect(try rogue.receiveMultipart(timeout: .milliseconds(1500)) == nil)
        #expect(broker.members == [.origin])
        rogue.close()
        context.close()
        await origin.shutdown()
    }

    @Test func aNodeWithoutKeysFailsToJoinWithAMessageNamingTheKeys() async throws {
        defer { broker.stop() }
        let lost = node(WorkerID(3), curve: nil, heartbeat: Heartbeat(interval: .milliseconds(100), timeout: .milliseconds(800)))
        await #expect {
            try await lost.start(delegate: Inbox())
        } throws: { error in
            "\(error)".contains("this process has none (SCOOP_CURVE_SECRET_KEY or SCOOP_CURVE_KEY_FILE)")
        }
        await lost.shutdown()
        #expect(broker.members.isEmpty)
    }
}
