import Foundation
import ScoopCore
import Testing

extension Integration {
    /// Bad input on the broker's port while a real job runs, and memory
    /// under a long lazy map: the job's results are all there and correct.
    @Suite("hostile input and memory under load")
    struct HostileInput {
        /// The broker's port, from the launcher's `-v` log line "broker listening on tcp://...".
        static func brokerPort(of run: Subprocess) async throws -> UInt16 {
            let marker = "broker listening on "
            _ = await run.waitForOutput(.stderr, timeout: .seconds(30)) { $0.contains(marker) }
            let line = run.stderr.split(separator: "\n").first { $0.contains(marker) }
            let endpoint = line?.components(separatedBy: marker).last?.split(separator: " ").first
            guard let endpoint, let port = TCP.port(ofEndpoint: String(endpoint)) else {
                throw TestFailure("scoop run -v did not log its broker's address: \(run.stderr)")
            }
            return port
        }

        /// The number after `label` in `line` ("dropped 12 (...)" → 12).
        static func number(after label: String, in line: String) -> Int? {
            guard let range = line.range(of: label + " ") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }

        static func identity(_ worker: WorkerID) -> [UInt8] {
            let id = worker.rawValue
            return [0x77, UInt8(id & 0xFF), UInt8((id >> 8) & 0xFF), UInt8((id >> 16) & 0xFF), UInt8(id >> 24)]
        }

        @Test("thousands of random and mutated frames and join floods during a real run: correct results, every drop counted, the log rate-limited")
        func fuzzTheBrokerDuringARun() async throws {
            let count = 200_000
            let run = try Subprocess(Products.scoop, ["run", "-v", "-n", "2", "--", Products.path("lazymap"), "\(count)", "1"])
            defer { run.killTree() }
            let port = try await Self.brokerPort(of: run)
            let seed = UInt64.random(in: 0...UInt64.max)
            var noise = FrameMutator(seed: seed, source: .none)

            // Raw TCP garbage: not even ZMTP.
            for _ in 0..<20 {
                let raw = try TCP.connect(port: port)
                try? TCP.send(raw, noise.bytes(4096))
                close(raw)
            }
            // Mutated and random messages from peers that never joined: seven
            // with a worker's routing id (they get cut off), one with another id.
            var messages = 0
            var clients: [ZMTPClient] = []
            for index in 0..<8 {
                let worker = WorkerID(5000 + index)
                let client = try ZMTPClient(port: port, identity: index == 7 ? Array("not-a-worker".utf8) : Self.identity(worker))
                var mutator = FrameMutator(seed: seed &+ UInt64(index + 1), source: worker)
                for _ in 0..<500 {
                    try client.send(mutator.message())
                    messages += 1
                }
                clients.append(client)
            }
            // Join floods: one peer joining a thousand times, then forty peers twenty-five times each.
            func join(_ worker: WorkerID) throws -> [UInt8] {
                let request = JoinRequest(build: "another build", workerID: worker.rawValue, host: "fuzzer", processID: 1, slots: 1)
                return Envelope(kind: .join, source: worker, payload: try PayloadCodec.encode(request)).encoded()
            }
            let flooder = try ZMTPClient(port: port, identity: Self.identity(WorkerID(6000)))
            let floodJoin = try join(WorkerID(6000))
            for _ in 0..<1000 { try flooder.send([floodJoin]) }
            clients.append(flooder)
            for index in 0..<40 {
                let worker = WorkerID(7000 + index)
                let client = try ZMTPClient(port: port, identity: Self.identity(worker))
                let bytes = try join(worker)
                for _ in 0..<25 { try client.send([bytes]) }
                clients.append(client)
            }
            let joins = 1000 + 40 * 25
            let stillRunning = run.exitStatus == nil

            let result = await finish(run, timeout: .seconds(100))
            clients.removeAll()
            #expect(stillRunning, "the job ended before the fuzzing did: it tested nothing; make the job longer")
            #expect(result.status == 0, "seed \(seed): \(result)")
            #expect(result.stdoutLines.first == "ok: \(count) results in order, sum \(count * count)", "seed \(seed): \(result)")

            // Every message was counted: dropped (by reason) or refused.
            let summary = result.stderr.split(separator: "\n").last { $0.contains("broker summary:") }.map(String.init) ?? ""
            let dropped = Self.number(after: "dropped", in: summary) ?? 0
            let refused = Self.number(after: "refused joins", in: summary) ?? 0
            #expect(dropped + refused >= messages + joins, "seed \(seed): \(messages + joins) messages sent, summary: \(summary)")
            for reason in ["unreadable", "truncated", "bad magic or version", "unknown peer", "join flood", "from a cut-off peer"] {
                #expect((Self.number(after: reason, in: summary) ?? 0) > 0, "seed \(seed): no '\(reason)' drops in \(summary)")
            }
            #expect((Self.number(after: "peers cut off", in: summary) ?? 0) >= 7, "\(summary)")
            #expect(!summary.contains("re-queued"), "no worker of the run was lost: \(summary)")
            // The log says so, a few lines a second: the flood did not flood it.
            let logLines = result.stderr.split(separator: "\n").filter {
                $0.contains("dropped (") || $0.contains("refused a join") || $0.contains("cut off")
            }.count
            let seconds = Int(result.elapsed.components.seconds) + 2
            #expect(logLines > 0 && logLines <= 10 * seconds, "\(logLines) log lines in \(seconds) s for \(dropped) drops")
            print("fuzzed the broker (seed \(seed)): \(messages) messages + \(joins) joins, \(summary), \(logLines) log lines")
        }

        @Test("--max-message-size: a task larger than the limit fails with a clear error before it is sent; smaller ones pass")
        func messageSizeLimit() async throws {
            // Chunks of 1,000 numbers (about 8 KB) cannot leave the origin under a 4 KiB limit;
            // a window of 64 chunks makes some of them leave. Each chunk does some work
            // (2,000 steps per number, a few milliseconds a chunk): without it the
            // origin's own slot could run the chunks as fast as they are placed,
            // and none would have to leave.
            let tooLarge = try await scoop(["run", "-v", "-n", "2", "--max-message-size", "4K", "--",
                                            Products.path("lazymap"), "100000", "1000", "2000", "64"])
            #expect(tooLarge.status == 1, "\(tooLarge)")
            #expect(tooLarge.stdout.contains("message too large: the arguments of task 'lazymap.oddNumber'"), "\(tooLarge)")
            #expect(tooLarge.stdout.contains("more than the limit of 4096"), "\(tooLarge)")
            // Nothing was sent, so the broker dropped nothing and disconnected no one.
            #expect(tooLarge.stderr.contains("broker summary: routed 0, dropped 0"), "\(tooLarge)")

            // Chunks of 100 fit: the limit reaches the workers and the run completes through the broker.
            let fits = try await scoop(["run", "-v", "-n", "2", "--max-message-size", "4K", "--",
                                        Products.path("lazymap"), "100000", "100", "0", "64"])
            #expect(fits.status == 0, "\(fits)")
            #expect(fits.stdoutLines.first == "ok: 100000 results in order, sum 10000000000", "\(fits)")

            let nonsense = try await scoop(["run", "-n", "2", "--max-message-size", "12", "--", Products.path("lazymap")])
            #expect(nonsense.status != 0 && nonsense.stderr.contains("smaller than 4096 bytes"), "\(nonsense)")
        }

        @Test("a lazy map over 500,000 single-element futures keeps the origin's and the broker's memory flat")
        func lazyMapMemoryIsBounded() async throws {
            // Unbounded buffering would hold every future (a FutureCore, a job,
            // an envelope: hundreds of bytes each, so hundreds of MB) in the
            // origin and every queued task in the broker.
            let count = 500_000
            // The timeout only guards against a hang: this debug-build run takes
            // 45–95 s on a 2-core machine depending on its other load.
            let result = try await scoop(["run", "-n", "2", "--", Products.path("lazymap"), "\(count)", "1"], timeout: .seconds(400))
            #expect(result.status == 0, "\(result)")
            let lines = result.stdoutLines
            #expect(lines.first == "ok: \(count) results in order, sum \(count * count)", "\(result)")
            let origin = lines.first { $0.hasPrefix("origin peak memory: ") }.flatMap { Self.number(after: "memory:", in: $0) }
            let broker = lines.first { $0.hasPrefix("launcher (broker) peak memory: ") }.flatMap { Self.number(after: "memory:", in: $0) }
            let limitKiB = 120 * 1024
            #expect(origin.map { $0 < limitKiB } == true, "origin peak \(origin.map(String.init) ?? "?") KiB: \(result)")
            #expect(broker.map { $0 < limitKiB } == true, "broker peak \(broker.map(String.init) ?? "?") KiB: \(result)")
            print("lazy map of \(count) futures: origin peak \(origin ?? -1) KiB, launcher (broker) peak \(broker ?? -1) KiB")
        }
    }
}
