// mpi-pingpong: measures the MPI progress engine between two ranks.
//
//     mpirun -n 2 .build/release/mpi-pingpong
//
// Rank 0 prints one JSON line per measurement: ping-pong round trip (engine
// callback path and async/await path, median over 10,000), 1 MiB bandwidth,
// multi-part framing check (tiny part sizes, byte equality both ways, order
// with a following message), and the idle CPU use of each rank over 3 s.
// Exits 0 when every check passes.
@_spi(Testing) import ScoopMPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let status = await PingPong.run()
exit(status)

enum PingPong {
    static let roundTrips = 10_000
    static let warmupRoundTrips = 1_000
    static let bulkMessageBytes = 1 << 20
    static let bulkRounds = 5
    static let frameCases: [(bytes: Int, maxPartSize: Int)] = [(100_000, 1_024), (4_096, 1_024), (1_025, 1_024)]
    static let patternSeed: UInt64 = 42
    static let idleSeconds = 3.0

    static func run() async -> Int32 {
        let peer = Peer()
        let engine: MPIProgressEngine
        do {
            engine = try MPIProgressEngine.start { source, tag, bytes in
                peer.handle(source: source, tag: tag, bytes: bytes)
            }
        } catch {
            print("mpi-pingpong: \(error)")
            return 2
        }
        peer.attach(engine)
        guard engine.size == 2 else {
            if engine.rank == 0 { print("mpi-pingpong: run with exactly 2 ranks (mpirun -n 2)") }
            engine.shutdown()
            return 2
        }
        var inbox = peer.inbox.makeAsyncIterator()
        let passed = engine.rank == 0
            ? await origin(engine: engine, peer: peer, inbox: &inbox)
            : await Responder.run(engine: engine, inbox: &inbox)
        engine.shutdown()
        return passed ? 0 : 1
    }

    /// Rank 0: drives every measurement and prints the results.
    static func origin(
        engine: MPIProgressEngine, peer: Peer, inbox: inout AsyncStream<Received>.Iterator
    ) async -> Bool {
        guard await inbox.next()?.tag == Tag.ready.rawValue else { return false }
        Measure.emit([
            "metric": "setup", "ranks": engine.size, "processor": engine.processorName,
            "thread_level": engine.providedThreadLevel.description,
        ])

        let payload = [UInt8](repeating: 7, count: 8)
        let engineSamples = peer.engineRoundTrips(count: roundTrips, warmup: warmupRoundTrips, payload: payload)
        emitLatency(path: "engine-callback", engineSamples, bytes: payload.count)

        var asyncSamples: [Double] = []
        asyncSamples.reserveCapacity(roundTrips)
        for index in 0..<(warmupRoundTrips + roundTrips) {
            let start = Measure.now()
            engine.send(payload, to: 1, tag: Tag.asyncPing.rawValue)
            guard await inbox.next()?.tag == Tag.asyncPong.rawValue else { return false }
            if index >= warmupRoundTrips { asyncSamples.append(Double(Measure.now() - start) / 1_000) }
        }
        emitLatency(path: "async-await", asyncSamples, bytes: payload.count)

        let bulk = Measure.pattern(count: bulkMessageBytes, seed: patternSeed)
        var rates: [Double] = []
        for round in 0...bulkRounds {
            let start = Measure.now()
            for _ in 0..<Peer.bulkMessagesPerRound { engine.send(bulk, to: 1, tag: Tag.bulk.rawValue) }
            guard await inbox.next()?.tag == Tag.bulkAck.rawValue else { return false }
            let seconds = Double(Measure.now() - start) / 1e9
            if round > 0 { rates.append(Double(bulkMessageBytes * Peer.bulkMessagesPerRound) / seconds / 1e9) }
        }
        Measure.emit([
            "metric": "bandwidth", "message_bytes": bulkMessageBytes, "messages": Peer.bulkMessagesPerRound,
            "rounds": bulkRounds, "median_gb_per_s": Measure.rounded(Measure.quantile(rates, 0.5)),
        ])

        var allFramesPassed = true
        for frameCase in frameCases {
            let sent = Measure.pattern(count: frameCase.bytes, seed: patternSeed)
            engine.send(sent, to: 1, tag: Tag.frame.rawValue, maxPartSize: frameCase.maxPartSize)
            engine.send([1], to: 1, tag: Tag.afterFrame.rawValue)
            guard let verdict = await inbox.next(), verdict.tag == Tag.frameVerdict.rawValue,
                  let echo = await inbox.next(), echo.tag == Tag.frameEcho.rawValue
            else { return false }
            let passed = verdict.bytes == [1, 1] && echo.bytes == sent
            allFramesPassed = allFramesPassed && passed
            Measure.emit([
                "metric": "framing", "bytes": frameCase.bytes, "max_part_size": frameCase.maxPartSize,
                "parts": (frameCase.bytes + frameCase.maxPartSize - 1) / frameCase.maxPartSize,
                "received_equal": verdict.bytes.first == 1, "order_kept": verdict.bytes.last == 1,
                "echo_max_part_size": Responder.echoMaxPartSize, "echo_equal": echo.bytes == sent, "ok": passed,
            ])
        }

        engine.send([], to: 1, tag: Tag.idleStart.rawValue)
        let ownIdle = await idleCPUPercent()
        guard let report = await inbox.next(), report.tag == Tag.idleReport.rawValue else { return false }
        let peerIdle = Double(String(decoding: report.bytes, as: UTF8.self)) ?? .nan
        for (rank, percent) in [(0, ownIdle), (1, peerIdle)] {
            Measure.emit([
                "metric": "idle_cpu", "rank": rank, "seconds": idleSeconds,
                "percent_of_one_core": Measure.rounded(percent),
            ])
        }
        engine.send([], to: 1, tag: Tag.done.rawValue)
        return allFramesPassed
    }

    static func emitLatency(path: String, _ samples: [Double], bytes: Int) {
        Measure.emit([
            "metric": "pingpong_rtt", "path": path, "bytes": bytes, "round_trips": samples.count,
            "median_us": Measure.rounded(Measure.quantile(samples, 0.5)),
            "p99_us": Measure.rounded(Measure.quantile(samples, 0.99)),
            "min_us": Measure.rounded(samples.min() ?? .nan),
        ])
    }

    /// This process's CPU use while nothing is sent, as % of one core.
    static func idleCPUPercent() async -> Double {
        try? await Task.sleep(for: .milliseconds(200))  // let the back-off settle
        let cpuStart = Measure.processCPUSeconds()
        let wallStart = Measure.now()
        try? await Task.sleep(for: .seconds(idleSeconds))
        let wall = Double(Measure.now() - wallStart) / 1e9
        return (Measure.processCPUSeconds() - cpuStart) / wall * 100
    }
}
