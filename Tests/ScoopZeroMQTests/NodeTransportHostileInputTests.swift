import Logging
import ScoopCore
import ScoopZeroMQ
import Synchronization
import Testing

/// Collects what a transport delivers.
private final class Inbox: NodeTransportDelegate {
    let envelopes = Mutex<[Envelope]>([])
    func transport(received envelope: Envelope) { envelopes.withLock { $0.append(envelope) } }
    func transportClosed(reason: String) {}
}

@Suite struct NodeTransportHostileInputTests {
    @Test func garbageFromTheBrokerSideIsDroppedAndCountedAndTheLinkGoesOn() async throws {
        let context = try ZMQContext()
        defer { context.close() }
        let (router, endpoint) = try makeRouter(context, over: .tcp)
        defer { router.close() }
        let transport = ZeroMQNodeTransport(brokerEndpoint: endpoint, workerID: WorkerID(3), workerCount: 2,
                                            hostName: "test", maximumMessageSize: 4096, logger: Logger(label: "test"))
        let inbox = Inbox()
        let starting = Task { try await transport.start(delegate: inbox) }

        // Play the broker: take the join, answer garbage of every kind, then welcome and one task.
        // Polled without blocking: the transport's start needs the cooperative threads too.
        var join: [[UInt8]]?
        let deadline = ContinuousClock.now + .seconds(20)
        while join == nil, ContinuousClock.now < deadline {
            join = try router.receiveMultipart(dontWait: true)
            if join == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        let peer = try #require(join?.first, "the transport never sent its join")
        let task = Envelope(kind: .task, futureID: FutureID(owner: .origin, sequence: 9), source: .broker,
                            target: WorkerID(3), payload: [1, 2, 3])
        var badMagic = task.encoded()
        badMagic[0] = 0x47
        var unknownKind = task.encoded()
        unknownKind[3] = 99
        var oversize = task.encoded()
        oversize.replaceSubrange(36..<40, with: [0, 0, 0x10, 0])   // declares 1 MiB, the limit is 4 KiB
        for garbage in [[1, 2, 3], Array(task.encoded().prefix(30)), badMagic, unknownKind, oversize] as [[UInt8]] {
            _ = try router.send(frames: [peer, garbage])
        }
        _ = try router.send(frames: [peer, [1], [2]])
        let welcome = Envelope(kind: .welcome, source: .broker, target: WorkerID(3),
                               payload: try PayloadCodec.encode(JoinReply(workerCount: 2)))
        _ = try router.send(frames: [peer, welcome.encoded()])
        _ = try router.send(frames: [peer, task.encoded()])
        try await starting.value

        while inbox.envelopes.withLock({ $0.isEmpty }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(inbox.envelopes.withLock { $0 } == [task])
        #expect(transport.droppedMessages == [.badHeader: 2, .truncated: 1, .unreadable: 2, .oversize: 1])
        await transport.shutdown()
    }
}
