import Foundation
import Logging
@testable import ScoopZeroMQ
import Synchronization
import Testing

/// A broken wake-up shows as a hang of the reader: the collections time out
/// short and fail; the time limit marks a test that never ends.
@Suite(.timeLimit(.minutes(1))) struct DirectSendSocketTests {
    /// Replies keep arriving while four threads send: a send that consumes
    /// the descriptor's notice of a reply must wake the reader, or the reply
    /// waits for ever (the collection below would time out short).
    @Test(arguments: TestTransport.allCases)
    func everyReplyArrivesWhileThreadsKeepSending(over transport: TestTransport) async throws {
        let senders = 4
        let perSender = 2_500
        let context = try ZMQContext()
        let (echoLoop, endpoint) = try startEcho(context, over: transport)

        let (replies, inbox) = AsyncStream.makeStream(of: [[UInt8]].self)
        let link = try DirectSendSocket(try makeDealer(context, connectedTo: endpoint), name: "test-direct",
                                        logger: Logger(label: "test")) { inbox.yield($0) }
        // Counted here and checked on the test's task: a plain thread has no test to report to.
        let refused = Atomic<Int>(0)
        await onThreads(senders) { sender in
            for sequence in 0..<perSender where !link.send([[UInt8(sender)], encode(sequence)]) {
                refused.add(1, ordering: .relaxed)
            }
        }
        #expect(refused.load(ordering: .relaxed) == 0)
        let received = await collect(replies, count: senders * perSender, timeout: .seconds(30))
        #expect(received.count == senders * perSender, "backlog \(link.backlogCount), echo \(echoLoop.statistics)")
        #expect(outOfOrder(received, senders: senders, perSender: perSender) == 0)

        link.shutdown(linger: .zero)
        echoLoop.shutdown()
        context.close()
    }

    /// With nobody reading, sends meet the high-water mark: the messages wait
    /// in order behind the first one that did not fit, no sender blocks, and
    /// the reader sends them all once the peer reads.
    @Test func messagesBeyondTheHighWaterMarkWaitInOrder() async throws {
        let senders = 4
        let perSender = 2_500
        let payload = pattern(size: 4096, seed: 2)
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        try router.set(.linger(.zero))
        try router.set(.receiveHighWaterMark(10))
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try makeDealer(context, connectedTo: try router.lastEndpoint)
        try dealer.set(.sendHighWaterMark(10))
        let link = try DirectSendSocket(dealer, name: "test-backlog", logger: Logger(label: "test")) { _ in }

        // Counted here and checked on the test's task: a plain thread has no test to report to.
        let refused = Atomic<Int>(0)
        await onThreads(senders) { sender in
            for sequence in 0..<perSender where !link.send([[UInt8(sender)], encode(sequence), payload]) {
                refused.add(1, ordering: .relaxed)
            }
        }
        #expect(refused.load(ordering: .relaxed) == 0)
        // 40 MB cannot fit in two high-water marks and the kernel's buffers.
        #expect(link.backlogCount > 0)

        let receiveLoop = try ZMQEventLoop(name: "test-receive")
        let (messages, inbox) = AsyncStream.makeStream(of: [[UInt8]].self)
        _ = receiveLoop.addSocket(router) { inbox.yield(Array($0.dropFirst())) }  // drop the routing id
        let received = await collect(messages, count: senders * perSender, timeout: .seconds(60))
        #expect(received.count == senders * perSender)
        #expect(outOfOrder(received, senders: senders, perSender: perSender) == 0)
        #expect(received.allSatisfy { $0.count == 3 && $0[2] == payload })
        #expect(link.backlogCount == 0)

        link.shutdown(linger: .zero)
        receiveLoop.shutdown()
        context.close()
    }

    /// The callback may send and may shut the socket down (on the reader
    /// thread, which must not wait for itself); later sends are refused.
    @Test func theCallbackMaySendAndShutDown() async throws {
        let context = try ZMQContext()
        let (router, endpoint) = try makeRouter(context, over: .inproc)
        let peerLoop = try ZMQEventLoop(name: "test-peer")
        let (atPeer, peerInbox) = AsyncStream.makeStream(of: [[UInt8]].self)
        let peer = peerLoop.addSocket(router) { peerInbox.yield($0) }

        let linkSlot = Mutex<DirectSendSocket?>(nil)
        let link = try DirectSendSocket(try makeDealer(context, connectedTo: endpoint), name: "test-callback",
                                        logger: Logger(label: "test")) { message in
            guard let link = linkSlot.withLock({ $0 }) else { return }
            if message == [Array("stop".utf8)] {
                link.shutdown(linger: .zero)
            } else {
                #expect(link.send([Array("answer".utf8)] + message))
            }
        }
        linkSlot.withLock { $0 = link }

        #expect(link.send([Array("hello".utf8)]))
        let hello = await collect(atPeer, count: 1, timeout: .seconds(10))
        #expect(hello.first?.dropFirst().first == Array("hello".utf8))
        let routingID = try #require(hello.first?.first)
        peerLoop.send([routingID, Array("question".utf8)], on: peer)
        let answer = await collect(atPeer, count: 1, timeout: .seconds(10))
        #expect(answer.first.map { Array($0.dropFirst()) } == [Array("answer".utf8), Array("question".utf8)])

        peerLoop.send([routingID, Array("stop".utf8)], on: peer)
        #expect(await eventually { !link.send([Array("late".utf8)]) })
        link.shutdown(linger: .zero)  // idempotent, and waits for the reader to end
        linkSlot.withLock { $0 = nil }
        peerLoop.shutdown()
        context.close()
    }

    /// A peer that never answers cannot make shutdown hang: what does not
    /// fit is dropped, and the context terminates.
    @Test func shutdownWithAnUnreachablePeerDoesNotHang() async throws {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.set(.sendHighWaterMark(1))
        try dealer.connect("tcp://127.0.0.1:1")  // nobody listens: the pipe fills at once
        let link = try DirectSendSocket(dealer, name: "test-unreachable", logger: Logger(label: "test")) { _ in }
        for index in 0..<1_000 { #expect(link.send([encode(index)])) }
        #expect(link.backlogCount >= 990)

        let clock = ContinuousClock()
        let start = clock.now
        link.shutdown(linger: .zero)
        context.close()
        #expect(start.duration(to: clock.now) < .seconds(5))
        #expect(link.backlogCount == 0)
        #expect(!link.send([[1]]))
    }

    /// A context terminated under a live link stops the reader, which says
    /// why (the transport then tells its node the link is gone); later sends
    /// are refused, and empty messages always are.
    @Test func aTerminatedContextStopsTheReaderAndSaysWhy() async throws {
        let context = try ZMQContext()
        let (router, endpoint) = try makeRouter(context, over: .inproc)
        let (reasons, reasonInbox) = AsyncStream.makeStream(of: String.self)
        let link = try DirectSendSocket(try makeDealer(context, connectedTo: endpoint), name: "test-terminated",
                                        logger: Logger(label: "test"), onUnexpectedStop: { reasonInbox.yield($0) },
                                        onMessage: { _ in })
        #expect(!link.send([]))
        #expect(link.send([Array("hello".utf8)]))
        router.close()
        let closed = Atomic<Bool>(false)
        let closer = Thread { context.close(); closed.store(true, ordering: .releasing) }
        closer.start()
        let reason = await collect(reasons, count: 1, timeout: .seconds(10)).first
        #expect(reason == "the ZeroMQ context was terminated")
        #expect(await eventually { closed.load(ordering: .acquiring) })
        #expect(!link.send([Array("late".utf8)]))
        link.shutdown(linger: .zero)
    }

    /// A link dropped without ``DirectSendSocket/shutdown(linger:)`` still
    /// stops its reader and closes its socket: the context can terminate.
    @Test func aDroppedLinkClosesItsSocket() async throws {
        let context = try ZMQContext()
        let (router, endpoint) = try makeRouter(context, over: .inproc)
        do {
            let link = try DirectSendSocket(try makeDealer(context, connectedTo: endpoint), name: "test-dropped",
                                            logger: Logger(label: "test")) { _ in }
            #expect(link.send([Array("hello".utf8)]))
        }
        router.close()
        let closed = Atomic<Bool>(false)
        let closer = Thread { context.close(); closed.store(true, ordering: .releasing) }
        closer.start()
        #expect(await eventually { closed.load(ordering: .acquiring) })
    }

    /// With nothing to do the reader sleeps in `zmq_poll` (a reader that
    /// never sleeps spins a core and can no longer miss a wake-up, which
    /// would hide the bugs the tests above look for).
    @Test func anIdleReaderSleeps() async throws {
        let context = try ZMQContext()
        let (echoLoop, endpoint) = try startEcho(context, over: .tcp)
        let (replies, inbox) = AsyncStream.makeStream(of: [[UInt8]].self)
        let link = try DirectSendSocket(try makeDealer(context, connectedTo: endpoint), name: "test-idle",
                                        logger: Logger(label: "test")) { inbox.yield($0) }
        #expect(await eventually { link.readerSleeps >= 1 })
        let before = link.readerSleeps
        #expect(link.send([Array("hello".utf8)]))
        #expect(await collect(replies, count: 1, timeout: .seconds(10)).count == 1)
        // Woken by the reply, it read it and went back to sleep.
        #expect(await eventually { link.readerSleeps > before })
        link.shutdown(linger: .zero)
        echoLoop.shutdown()
        context.close()
    }

    /// A ROUTER on its own event loop that sends every message back, and its
    /// endpoint. No high-water mark (set before binding: a bound socket's
    /// pipes take its options then): a ROUTER drops what meets it, and only
    /// a reader that missed a wake-up may lose a reply here.
    private func startEcho(_ context: ZMQContext, over transport: TestTransport) throws -> (ZMQEventLoop, String) {
        let loop = try ZMQEventLoop(name: "test-echo")
        let router = try ZMQSocket(context: context, type: .router)
        try router.set(.linger(.zero))
        try router.set(.sendHighWaterMark(0))
        try router.set(.receiveHighWaterMark(0))
        try router.bind(transport.bindEndpoint())
        let endpoint = try router.lastEndpoint
        let slot = Mutex<ZMQSocketHandle?>(nil)
        let handle = loop.addSocket(router) { message in
            if let handle = slot.withLock({ $0 }) { loop.send(message, on: handle) }
        }
        slot.withLock { $0 = handle }
        return (loop, endpoint)
    }
}
