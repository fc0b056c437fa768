import Foundation
import ScoopCore
import Testing

extension Integration {
    /// `scoop broker` and `scoop worker`: pools assembled by hand, late
    /// joiners, refused binaries, bad input on the broker's port.
    ///
    /// Where a test needs a process to be at a given point of its run (the
    /// origin has set its constants but not yet handed out its tasks), its
    /// connection goes through a ``ZMTPProxy`` that holds its traffic there.
    @Suite("scoop broker and scoop worker")
    struct BrokerAndWorkers {
        /// Starts `scoop broker` and returns it with the endpoint it printed.
        static func startBroker(_ options: [String] = []) async throws -> (Subprocess, endpoint: String, port: UInt16) {
            let broker = try Subprocess(Products.scoop, ["broker"] + options)
            let printed = await broker.waitForOutput(.stdout, timeout: .seconds(20)) { $0.contains("\n") }
            guard printed, let endpoint = lines(broker.stdout).first, let port = TCP.port(ofEndpoint: endpoint) else {
                broker.killTree()
                throw TestFailure("scoop broker printed no endpoint on its first line: stdout \(broker.stdout), stderr \(broker.stderr)")
            }
            #expect(endpoint.hasPrefix("tcp://127.0.0.1:"), "the broker binds loopback by default: \(endpoint)")
            return (broker, endpoint, port)
        }

        static func worker(connect endpoint: String, origin: Bool = false, _ program: [String]) throws -> Subprocess {
            try Subprocess(Products.scoop, ["worker", "--connect", endpoint] + (origin ? ["--origin"] : []) + ["--"] + program)
        }

        @Test("a worker that joins after the constants were set receives them from the broker; the run ends cleanly")
        func lateJoinerReceivesConstants() async throws {
            let (broker, _, port) = try await Self.startBroker(["-vv"])
            defer { broker.killTree() }
            // The origin's link: passes its join and both constants, then holds the rest (its shutdown included).
            let originLink = try ZMTPProxy(to: port, holdAfter: (.constant, 2))
            defer { originLink.close() }
            let origin = try Self.worker(connect: "tcp://127.0.0.1:\(originLink.port)", origin: true, [Products.path("shared")])
            defer { origin.killTree() }
            let constantsSet = await originLink.waitUntil(timeout: .seconds(30)) { $0.isHolding }
            try #require(constantsSet, "the origin never set its two constants: \(origin.stderr)\n\(broker.stderr)")

            let lateLink = try ZMTPProxy(to: port)
            defer { lateLink.close() }
            let late = try Self.worker(connect: "tcp://127.0.0.1:\(lateLink.port)", [Products.path("shared")])
            defer { late.killTree() }
            let joined = await lateLink.waitUntil(timeout: .seconds(30)) { link in
                link.downstream.filter { $0.kind == .constant }.count == 2 && link.upstream.contains { $0.kind == .request }
            }
            try #require(joined, "the late worker did not join, get both constants and ask for work: \(late.stderr)\n\(broker.stderr)")
            originLink.release()

            let originResult = await finish(origin)
            #expect(originResult.status == 0, "\(originResult)")
            let output = originResult.stdoutLines
            #expect(output.first == "scaled: [100.0, 101.0, 104.0, 101.5, 104.0, 110.0]", "\(originResult)")
            #expect(output.count == 2 && output[1].hasPrefix("as expected: "), "\(originResult)")
            let lateResult = await finish(late, timeout: .seconds(30))
            #expect(lateResult.status == 0, "\(lateResult)")
            let brokerResult = await finish(broker, timeout: .seconds(30))
            #expect(brokerResult.status == 0, "\(brokerResult)\norigin sent \(originLink.upstream.map(\.kind))")

            // The late worker was welcomed, then sent the cached constants, before any task.
            let received = lateLink.downstream.filter { $0.kind != .heartbeat }
            #expect(received.prefix(3).map(\.kind) == [.welcome, .constant, .constant], "\(received.map(\.kind))")
            let names = received.filter { $0.kind == .constant }.compactMap { try? SharedConstantRecord(payload: $0.payload).name }
            #expect(names == ["weights", "offset"])
            // Whatever task it was given (the origin may well have run the whole
            // map itself: tasks leave a process only when an idle one asks),
            // it ran with the constants: every result it sent is a success.
            let tasks = received.filter { $0.kind == .task }.count
            let results = lateLink.upstream.filter { $0.kind == .result }
            #expect(results.count == tasks && results.allSatisfy { !$0.flags.contains(.failed) },
                    "the late worker got \(tasks) tasks, sent \(results.map(\.flags)): \(lateResult)")
            // And it was told the run is over.
            #expect(received.last?.kind == .shutdown, "\(received.map(\.kind))")
        }

        @Test("a worker running another binary is refused with both builds named; the run goes on")
        func mismatchedBinaryIsRefused() async throws {
            let (broker, endpoint, port) = try await Self.startBroker(["-vv"])
            defer { broker.killTree() }
            // The origin joins (its build becomes the pool's); its later traffic is held, so it is still running.
            let originLink = try ZMTPProxy(to: port, holdAfter: (.join, 1))
            defer { originLink.close() }
            let origin = try Self.worker(connect: "tcp://127.0.0.1:\(originLink.port)", origin: true, [Products.path("ascompleted")])
            defer { origin.killTree() }
            let welcomed = await originLink.waitUntil(timeout: .seconds(30)) { link in
                link.isHolding && link.downstream.contains { $0.kind == .welcome }
            }
            try #require(welcomed, "the origin was not welcomed: \(origin.stderr)\n\(broker.stderr)")

            let fib = try await run(Products.scoop, ["worker", "--connect", endpoint, "--", Products.path("fib")],
                                    timeout: .seconds(30))
            #expect(fib.status != 0 && fib.status != nil, "\(fib)")
            #expect(fib.stderr.contains("binary mismatch"), "\(fib)")
            let fibBuild = gnuBuildID(ofExecutable: Products.path("fib"))
            let poolBuild = gnuBuildID(ofExecutable: Products.path("ascompleted"))
            #expect(fibBuild != nil && poolBuild != nil, "the examples carry no GNU build id")
            if let fibBuild, let poolBuild {
                #expect(fib.stderr.contains("runs build \(fibBuild)"), "\(fib)")
                #expect(fib.stderr.contains("the pool runs build \(poolBuild)"), "\(fib)")
            }
            // Refused: it says so and exits 1, without a crash report.
            #expect(fib.status == 1, "\(fib)")
            #expect(!fib.stderr.contains("Program crashed"), "\(fib)")

            originLink.release()
            let originResult = await finish(origin)
            #expect(originResult.status == 0, "\(originResult)")
            let output = originResult.stdoutLines
            for milliseconds in [100, 200, 400] {
                #expect(output.contains("finished: \(milliseconds) ms"), "\(originResult)")
            }
            #expect(output.contains { $0.hasPrefix("done: ") }, "\(originResult)")
            let brokerResult = await finish(broker, timeout: .seconds(30))
            #expect(brokerResult.status == 0, "\(brokerResult)")
            #expect(brokerResult.stderr.contains("refused a join: binary mismatch"), "\(brokerResult)")
        }

        @Test("garbage on the broker's port is dropped, refused or cut off; the broker goes on serving")
        func garbageOnTheBrokerPort() async throws {
            let (broker, endpoint, port) = try await Self.startBroker()
            defer { broker.killTree() }
            var random = SystemRandomNumberGenerator()
            func randomBytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
            func worker(_ id: UInt32) -> [UInt8] {
                [0x77, UInt8(id & 0xFF), UInt8((id >> 8) & 0xFF), UInt8((id >> 16) & 0xFF), UInt8(id >> 24)]
            }

            // A ZMTP frame announcing 2^62 bytes.
            let huge = try ZMTPClient(port: port, identity: worker(900_001))
            try? huge.sendRaw(ZMTP.header(size: 1 << 62) + randomBytes(64))

            // A proper handshake, then messages a broker must drop or refuse.
            let client = try ZMTPClient(port: port, identity: worker(777))
            var notAnEnvelope = randomBytes(200)
            notAnEnvelope[0] = 0
            try client.send([notAnEnvelope])
            try client.send([Envelope(kind: .task, source: WorkerID(777)).encoded()])
            var truncated = Envelope(kind: .result, source: WorkerID(777), payload: randomBytes(100)).encoded()
            truncated.removeLast(50)
            try client.send([truncated])
            try client.send([randomBytes(10), randomBytes(10)])
            try client.send([Envelope(kind: .join, source: WorkerID(777), payload: randomBytes(30)).encoded()])
            let unreadable = client.receiveEnvelope()
            #expect(unreadable?.kind == .refuse, "\(String(describing: unreadable))")
            let unreadableReason = String(decoding: unreadable?.payload ?? [], as: UTF8.self)
            #expect(unreadableReason.contains("unreadable join request"), "\(unreadableReason)")
            let otherProtocol = JoinRequest(protocolVersion: 99, build: "test", workerID: 777, host: "test", processID: 1, slots: 1)
            try client.send([Envelope(kind: .join, source: WorkerID(777), payload: try PayloadCodec.encode(otherProtocol)).encoded()])
            let refused = client.receiveEnvelope()
            #expect(refused?.kind == .refuse, "\(String(describing: refused))")
            let refusedReason = String(decoding: refused?.payload ?? [], as: UTF8.self)
            #expect(refusedReason.contains("protocol version 99"), "\(refusedReason)")

            // A peer whose routing id is not a worker's.
            let stranger = try ZMTPClient(port: port, identity: Array("stranger".utf8))
            try stranger.send([Envelope(kind: .heartbeat, source: WorkerID(5)).encoded()])

            let logged = await broker.waitForOutput(.stderr, timeout: .seconds(10)) { log in
                ["an unreadable message from worker 777", "which has not joined",
                 "a message with 3 frames from worker 777", "a message with 2 frames from an unknown peer"].allSatisfy(log.contains)
            }
            #expect(logged, "the broker did not report every dropped message: \(broker.stderr)")
            // Not ZMTP at all (libzmq may read it as old ZMTP: many messages from an
            // unknown peer). Sent after the lines above were logged: the broker
            // logs ten drops a second at most.
            let raw = try TCP.connect(port: port)
            try? TCP.send(raw, randomBytes(4096))
            close(raw)
            #expect(broker.exitStatus == nil, "the broker ended: \(broker.stderr)")

            // Still serving: a whole run through it.
            let origin = try await run(Products.scoop, ["worker", "--connect", endpoint, "--origin", "--", Products.path("hello")])
            #expect(origin.status == 0, "\(origin)")
            #expect(origin.stdoutLines == helloLines, "\(origin)")
            let brokerResult = await finish(broker, timeout: .seconds(30))
            #expect(brokerResult.status == 0, "\(brokerResult)")
            // Its summary counts what it dropped and refused.
            let summary = brokerResult.stderr.split(separator: "\n").last { $0.contains("broker summary:") } ?? ""
            #expect(summary.contains("refused joins 2") && summary.contains("bad magic or version"), "\(brokerResult)")
            _ = (huge, client, stranger)
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
