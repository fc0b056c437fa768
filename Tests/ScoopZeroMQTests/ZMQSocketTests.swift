import ScoopZeroMQ
import Testing

@Suite struct ZMQSocketTests {
    @Test(arguments: TestTransport.allCases)
    func routerAndDealerExchangeMessages(over transport: TestTransport) throws {
        let context = try ZMQContext()
        let (router, endpoint) = try makeRouter(context, over: transport)
        let dealer = try makeDealer(context, connectedTo: endpoint)
        #expect(endpoint.hasPrefix("\(transport.rawValue)://"))
        if transport == .tcp { #expect(!endpoint.hasSuffix(":*")) }

        try dealer.send(frames: [Array("ping".utf8)])
        let request = try #require(try router.receiveMultipart(timeout: .seconds(5)))
        #expect(request.count == 2)
        #expect(request[1] == Array("ping".utf8))

        try router.send(frames: [request[0], Array("pong".utf8)])
        let reply = try #require(try dealer.receiveMultipart(timeout: .seconds(5)))
        #expect(reply == [Array("pong".utf8)])
    }

    @Test(arguments: TestTransport.allCases)
    func multipartKeepsEmptyAndLargeFrames(over transport: TestTransport) throws {
        let context = try ZMQContext()
        let (router, endpoint) = try makeRouter(context, over: transport)
        let dealer = try makeDealer(context, connectedTo: endpoint)
        let mebibyte = pattern(size: 1 << 20, seed: 7)
        let frames: [[UInt8]] = [[], [1, 2, 3], [], mebibyte, pattern(size: 1 << 20, seed: 9), []]

        try dealer.send(frames: frames)
        let received = try #require(try router.receiveMultipart(timeout: .seconds(5)))
        #expect(received.count == frames.count + 1)
        #expect(Array(received.dropFirst()) == frames)

        try router.send(frames: [received[0], [], mebibyte])
        #expect(try dealer.receiveMultipart(timeout: .seconds(5)) == [[], mebibyte])
    }

    /// Frames of 64 KiB and more are lent to libzmq without a copy: writing to
    /// the sender's array after the send must not change what arrives.
    @Test(arguments: TestTransport.allCases)
    func aLentFrameIsUnaffectedByTheSendersLaterWrites(over transport: TestTransport) throws {
        let context = try ZMQContext()
        let (router, endpoint) = try makeRouter(context, over: transport)
        let dealer = try makeDealer(context, connectedTo: endpoint)
        var frames = (0..<8).map { pattern(size: (1 << 20) + $0, seed: $0) }
        let expected = frames
        try dealer.send(frames: frames)
        for index in frames.indices {
            for byte in frames[index].indices { frames[index][byte] = 0 }
        }
        let received = try #require(try router.receiveMultipart(timeout: .seconds(5)))
        #expect(Array(received.dropFirst()) == expected)
    }

    @Test func routingIDIsWhatTheRouterSees() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        try router.bind("inproc://routing-id")
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.set(.routingID(Array("worker-7".utf8)))
        try dealer.connect("inproc://routing-id")
        try dealer.send(frames: [[42]])
        #expect(try router.receiveMultipart(timeout: .seconds(5)) == [Array("worker-7".utf8), [42]])
    }

    @Test func nonBlockingCallsReportWouldBlock() throws {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.set(.linger(.zero))
        try dealer.bind("inproc://nobody-connects")
        #expect(try dealer.receiveMultipart(dontWait: true) == nil)
        #expect(try dealer.send(frames: [[1]], dontWait: true) == false)  // a DEALER without peers blocks
    }

    @Test func malformedEndpointsGiveReadableErrors() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .dealer)
        let error = #expect(throws: ZMQError.self) { try socket.connect("tcp://no-port-here") }
        #expect(error?.description == "zmq_connect(tcp://no-port-here): Invalid argument")
        let protocolError = #expect(throws: ZMQError.self) { try socket.connect("carrier-pigeon://coop") }
        #expect(protocolError?.description == "zmq_connect(carrier-pigeon://coop): Protocol not supported")
    }

    @Test func optionsAreAccepted() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        let options: [ZMQSocketOption] = [
            .linger(.milliseconds(10)), .linger(nil), .sendHighWaterMark(5), .receiveHighWaterMark(5),
            .maxMessageSize(1 << 30), .routerMandatory(true), .tcpKeepAlive(true), .tcpKeepAliveIdle(.seconds(30)),
            .tcpKeepAliveInterval(.seconds(5)), .tcpKeepAliveCount(3), .immediate(true),
            .heartbeatInterval(.seconds(1)), .heartbeatTimeout(.seconds(3)), .heartbeatTTL(.seconds(5)),
            .handshakeInterval(.seconds(5)),
        ]
        for option in options { try router.set(option) }
        let sub = try ZMQSocket(context: context, type: .sub)
        try sub.set(.subscribe([]))
        try sub.set(.unsubscribe([]))
        let error = #expect(throws: ZMQError.self) { try router.set(.subscribe([1])) }
        #expect(error?.description == "zmq_setsockopt(ZMQ_SUBSCRIBE): Invalid argument")
    }

    @Test func closedSocketsFailCleanly() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .pair)
        socket.close()
        socket.close()
        #expect(!socket.isOpen)
        let error = #expect(throws: ZMQError.self) { try socket.send(frames: [[1]]) }
        #expect(error?.code == ZMQError.notSocket)
    }

    @Test func closedContextRefusesNewSockets() throws {
        let context = try ZMQContext()
        context.close()
        let error = #expect(throws: ZMQError.self) { try ZMQSocket(context: context, type: .dealer) }
        #expect(error?.isTerminated == true)
    }

    @Test func pubSubAndPairWork() throws {
        let context = try ZMQContext()
        let left = try ZMQSocket(context: context, type: .pair)
        try left.bind("inproc://pair")
        let right = try ZMQSocket(context: context, type: .pair)
        try right.connect("inproc://pair")
        try right.send(frames: [[1], [2]])
        #expect(try left.receiveMultipart(timeout: .seconds(5)) == [[1], [2]])

        let pub = try ZMQSocket(context: context, type: .pub)
        try pub.bind("inproc://news")
        let sub = try ZMQSocket(context: context, type: .sub)
        try sub.set(.subscribe(Array("a".utf8)))
        try sub.connect("inproc://news")
        // A subscription reaches the publisher asynchronously: publish until one arrives.
        var received: [[UInt8]]?
        for _ in 0..<100 where received == nil {
            try pub.send(frames: [Array("b-ignored".utf8)])
            try pub.send(frames: [Array("a-kept".utf8)])
            received = try sub.receiveMultipart(timeout: .milliseconds(50))
        }
        #expect(received == [Array("a-kept".utf8)])
    }
}
