#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScoopZeroMQ
import Testing

@Suite struct ZMQPollerTests {
    @Test func timeoutIsHonoured() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .dealer)
        try socket.set(.linger(.zero))
        try socket.bind("inproc://silent")
        var poller = ZMQPoller()
        poller.register(socket, events: .readable)

        let clock = ContinuousClock()
        let start = clock.now
        let ready = try poller.poll(timeout: .milliseconds(100))
        let elapsed = start.duration(to: clock.now)
        #expect(ready == 0)
        #expect(elapsed >= .milliseconds(95))
        #expect(elapsed < .seconds(2))

        let immediate = clock.now
        #expect(try poller.poll(timeout: .zero) == 0)
        #expect(immediate.duration(to: clock.now) < .milliseconds(50))
    }

    @Test func socketsAndFileDescriptorsReportReadiness() throws {
        let context = try ZMQContext()
        let (router, endpoint) = try makeRouter(context, over: .inproc)
        let dealer = try makeDealer(context, connectedTo: endpoint)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }

        var poller = ZMQPoller()
        let routerIndex = poller.register(router, events: .readable)
        let pipeIndex = poller.register(fileDescriptor: fds[0], events: .readable)
        let dealerIndex = poller.register(dealer, events: .writable)
        #expect(poller.count == 3)

        #expect(try poller.poll(timeout: .seconds(5)) == 1)
        #expect(poller.events(at: dealerIndex) == .writable)
        #expect(poller.events(at: routerIndex).isEmpty)

        poller.setEvents([], at: dealerIndex)
        var byte: UInt8 = 1
        #expect(write(fds[1], &byte, 1) == 1)
        try dealer.send(frames: [[1]])
        var ready = 0
        for _ in 0..<100 where ready < 2 { ready = try poller.poll(timeout: .milliseconds(50)) }
        #expect(ready == 2)
        #expect(poller.events(at: pipeIndex).contains(.readable))
        #expect(poller.events(at: routerIndex).contains(.readable))
    }
}
