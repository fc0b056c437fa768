import ScoopZeroMQ
import Synchronization
import Testing

@Suite struct ZMQEventLoopTests {
    @Test(arguments: TestTransport.allCases)
    func requestsAndRepliesCrossTwoLoops(over transport: TestTransport) async throws {
        let context = try ZMQContext()
        let brokerLoop = try ZMQEventLoop(name: "test-broker")
        let workerLoop = try ZMQEventLoop(name: "test-worker")
        let (router, endpoint) = try makeRouter(context, over: transport)
        let dealer = try makeDealer(context, connectedTo: endpoint)

        let brokerHandle = Mutex<ZMQSocketHandle?>(nil)
        let handle = brokerLoop.addSocket(router) { message in
            // Echo from the callback, on the loop thread.
            if let handle = brokerHandle.withLock({ $0 }) {
                brokerLoop.send(message + [Array("echo".utf8)], on: handle)
            }
        }
        brokerHandle.withLock { $0 = handle }
        let (replies, inbox) = AsyncStream.makeStream(of: [[UInt8]].self)
        let worker = workerLoop.addSocket(dealer) { inbox.yield($0) }

        for index in 0..<100 { workerLoop.send([encode(index), []], on: worker) }
        let received = await collect(replies, count: 100, timeout: .seconds(10))
        #expect(received.map { decode($0[0]) } == Array(0..<100))
        #expect(received.allSatisfy { $0.count == 3 && $0[1].isEmpty && $0[2] == Array("echo".utf8) })
        #expect(workerLoop.statistics == .init(queued: 0, sent: 100, received: 100, dropped: 0))

        workerLoop.shutdown()
        brokerLoop.shutdown()
        #expect(!workerLoop.isRunning && !brokerLoop.isRunning)
    }

    @Test func tenThousandMessagesKeepPerSenderOrderUnderBackPressure() async throws {
        let senders = 4
        let perSender = 2_500
        let payload = pattern(size: 4096, seed: 1)
        let context = try ZMQContext()
        let sendLoop = try ZMQEventLoop(name: "test-send")
        let receiveLoop = try ZMQEventLoop(name: "test-receive")

        let router = try ZMQSocket(context: context, type: .router)
        try router.set(.linger(.zero))
        try router.set(.receiveHighWaterMark(10))
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.set(.linger(.zero))
        try dealer.set(.sendHighWaterMark(10))
        try dealer.connect(endpoint)
        let handle = sendLoop.addSocket(dealer) { _ in }

        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    for sequence in 0..<perSender {
                        sendLoop.send([[UInt8(sender)], encode(sequence), payload], on: handle)
                        if sequence % 100 == 0 { await Task.yield() }
                    }
                }
            }
        }
        // Nobody reads yet: 40 MB cannot fit in two high-water marks and the
        // kernel's buffers, so the loop must be holding messages back.
        #expect(sendLoop.statistics.queued > 0)
        #expect(sendLoop.statistics.dropped == 0)

        let (messages, inbox) = AsyncStream.makeStream(of: [[UInt8]].self)
        _ = receiveLoop.addSocket(router) { inbox.yield($0) }
        let received = await collect(messages, count: senders * perSender, timeout: .seconds(60))
        #expect(received.count == senders * perSender)

        // Frame 0 is the routing id.
        #expect(outOfOrder(received.map { Array($0.dropFirst()) }, senders: senders, perSender: perSender) == 0)
        #expect(received.allSatisfy { $0[3] == payload })
        #expect(sendLoop.statistics == .init(queued: 0, sent: senders * perSender, received: 0, dropped: 0))

        sendLoop.shutdown()
        receiveLoop.shutdown()
    }

    @Test func shutdownWithPendingMessagesDropsAndReportsThem() async throws {
        let context = try ZMQContext()
        let loop = try ZMQEventLoop(name: "test-shutdown")
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.set(.sendHighWaterMark(1))
        try dealer.connect("tcp://127.0.0.1:1")  // nobody listens: the pipe fills at once
        let failures = Atomic<Int>(0)
        let handle = loop.addSocket(dealer, onMessage: { _ in }) { _, error in
            #expect(error.isWouldBlock)
            failures.add(1, ordering: .relaxed)
        }
        for index in 0..<1_000 { #expect(loop.send([encode(index)], on: handle)) }

        let clock = ContinuousClock()
        let start = clock.now
        loop.shutdown(linger: .zero)
        loop.shutdown(linger: .zero)  // idempotent
        context.close()               // every socket closed with linger 0: no hang
        #expect(start.duration(to: clock.now) < .seconds(5))

        let statistics = loop.statistics
        #expect(!loop.isRunning)
        #expect(statistics.queued == 0)
        #expect(statistics.sent + statistics.dropped == 1_000)
        #expect(statistics.dropped >= 990)
        #expect(failures.load(ordering: .relaxed) == statistics.dropped)
        #expect(loop.send([[1]], on: handle) == false)
        #expect(loop.statistics == statistics)
    }

    @Test func routerHoldsMessagesForABusyPeerWhileAnotherPeerHasRoom() async throws {
        let context = try ZMQContext()
        let loop = try ZMQEventLoop(name: "test-busy-peer")
        let router = try ZMQSocket(context: context, type: .router)
        try router.set(.linger(.zero))
        try router.set(.routerMandatory(true))
        try router.set(.sendHighWaterMark(1))
        try router.bind("inproc://busy-peer")
        let (hellos, inbox) = AsyncStream.makeStream(of: [[UInt8]].self)
        let handle = loop.addSocket(router) { inbox.yield($0) }

        let slow = try ZMQSocket(context: context, type: .dealer)
        try slow.set(.routingID(Array("slow".utf8)))
        try slow.set(.receiveHighWaterMark(1))
        try slow.connect("inproc://busy-peer")
        let idle = try ZMQSocket(context: context, type: .dealer)  // has room: ROUTER reports POLLOUT
        try idle.set(.routingID(Array("idle".utf8)))
        try idle.connect("inproc://busy-peer")
        try slow.send(frames: [[0]])
        try idle.send(frames: [[0]])
        #expect(await collect(hellos, count: 2, timeout: .seconds(5)).count == 2)  // both peers known

        let count = 200
        for index in 0..<count { loop.send([Array("slow".utf8), encode(index)], on: handle) }
        #expect(await eventually { loop.statistics.queued > 0 && loop.statistics.sent > 0 })
        // Give the loop time to find that POLLOUT (from the idle peer) does not
        // help the slow one; it must back off instead of spinning.
        try await Task.sleep(for: .milliseconds(50))
        var received: [Int] = []
        while received.count < count, let message = try slow.receiveMultipart(timeout: .seconds(5)) {
            received.append(decode(message[0]))
        }
        #expect(received == Array(0..<count))
        #expect(loop.statistics.dropped == 0)
        #expect(try idle.receiveMultipart(dontWait: true) == nil)
        loop.shutdown()
    }

    @Test func unroutableMessagesAreReported() async throws {
        let context = try ZMQContext()
        let loop = try ZMQEventLoop(name: "test-unroutable")
        let router = try ZMQSocket(context: context, type: .router)
        try router.set(.linger(.zero))
        try router.set(.routerMandatory(true))
        try router.bind("inproc://unroutable")
        let (failures, inbox) = AsyncStream.makeStream(of: ZMQError.self)
        let handle = loop.addSocket(router, onMessage: { _ in }) { _, error in inbox.yield(error) }

        loop.send([Array("nobody".utf8), [1]], on: handle)
        let errors = await collect(failures, count: 1, timeout: .seconds(5))
        #expect(errors.first?.isHostUnreachable == true)
        #expect(loop.statistics.dropped == 1)
        loop.shutdown()
    }

    @Test func sendsFromLoopCallbacksGoOutWithoutOutsideWakeUps() async throws {
        // A message arrives → its callback sends to an unknown peer → the
        // failure callback sends a notice: all on the loop thread, and the
        // notice must still leave although nobody else wakes the loop.
        let context = try ZMQContext()
        let loop = try ZMQEventLoop(name: "test-chain")
        let (inbound, inboundEndpoint) = try makeRouter(context, over: .inproc)
        let (observer, observerEndpoint) = try makeRouter(context, over: .inproc)
        let mandatory = try ZMQSocket(context: context, type: .router)
        try mandatory.set(.linger(.zero))
        try mandatory.set(.routerMandatory(true))
        let noticeHandle = loop.addSocket(try makeDealer(context, connectedTo: observerEndpoint)) { _ in }
        let mandatoryHandle = loop.addSocket(mandatory, onMessage: { _ in }) { _, error in
            loop.send([Array("failed: \(error.isHostUnreachable)".utf8)], on: noticeHandle)
        }
        _ = loop.addSocket(inbound) { _ in loop.send([Array("ghost".utf8), [1]], on: mandatoryHandle) }

        let client = try makeDealer(context, connectedTo: inboundEndpoint)
        try client.send(frames: [[1]])
        let notice = try observer.receiveMultipart(timeout: .seconds(5))
        #expect(notice?.last == Array("failed: true".utf8))
        loop.shutdown()
    }

    @Test func performRunsOnTheLoopThreadInOrder() async throws {
        let context = try ZMQContext()
        let loop = try ZMQEventLoop(name: "test-perform")
        #expect(!loop.isOnLoopThread)
        let socket = try ZMQSocket(context: context, type: .router)
        try socket.set(.linger(.zero))
        let handle = loop.addSocket(socket) { _ in }
        let (endpoints, inbox) = AsyncStream.makeStream(of: String.self)
        loop.perform(on: handle) { socket in
            #expect(loop.isOnLoopThread)
            try? socket.bind("tcp://127.0.0.1:*")
            inbox.yield((try? socket.lastEndpoint) ?? "")
        }
        let endpoint = await collect(endpoints, count: 1, timeout: .seconds(5)).first
        #expect(endpoint?.hasPrefix("tcp://127.0.0.1:") == true)

        loop.closeSocket(handle)
        loop.perform(on: handle) { _ in Issue.record("a closed socket must not be performed on") }
        loop.shutdown()
    }

    @Test func shutdownFromACallbackDoesNotDeadlock() async throws {
        let context = try ZMQContext()
        let loop = try ZMQEventLoop(name: "test-self-stop")
        let (router, endpoint) = try makeRouter(context, over: .inproc)
        let dealer = try makeDealer(context, connectedTo: endpoint)
        _ = loop.addSocket(router) { _ in loop.shutdown() }
        try dealer.send(frames: [[1]])
        #expect(await eventually { !loop.isRunning })
        loop.shutdown()
    }

    @Test func closingTheContextStopsTheLoop() async throws {
        let context = try ZMQContext()
        let loop = try ZMQEventLoop(name: "test-term")
        let socket = try ZMQSocket(context: context, type: .router)
        try socket.bind("inproc://term")
        let handle = loop.addSocket(socket) { _ in }
        await Task.detached { context.close() }.value  // returns once the loop closed its socket
        #expect(await eventually { !loop.isRunning })
        #expect(loop.send([[1]], on: handle) == false)
    }
}
