import Benchmark
import Scoop
import ScoopCore

// The hot paths: the payload codec, the envelope, the broker's scheduling and
// routing, and a threads-transport submit → await.

struct Sample: Codable, Sendable {
    var x: Double
    var y: Double
    var label: String
    var count: Int
}

let identity = TaskFunction("bench.identity") { (x: Int) in x }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
                                           maxDuration: .seconds(2))

    let sample = Sample(x: 1.5, y: -2.25, label: "point", count: 42)
    Benchmark("codec: small struct round trip") { benchmark in
        for _ in benchmark.scaledIterations {
            let bytes = try PayloadCodec.encode(sample)
            blackHole(try PayloadCodec.decode(Sample.self, from: bytes))
        }
    }

    let megabyte = [UInt8](repeating: 7, count: 1 << 20)
    Benchmark("codec: 1 MiB [UInt8] round trip") { benchmark in
        for _ in benchmark.scaledIterations {
            let bytes = try PayloadCodec.encode(megabyte)
            blackHole(try PayloadCodec.decode([UInt8].self, from: bytes))
        }
    }

    let doubles = (0..<100_000).map(Double.init)
    Benchmark("codec: 100k [Double] round trip") { benchmark in
        for _ in benchmark.scaledIterations {
            let bytes = try PayloadCodec.encode(doubles)
            blackHole(try PayloadCodec.decode([Double].self, from: bytes))
        }
    }

    let envelope = Envelope(kind: .task, futureID: FutureID(owner: WorkerID(1), sequence: 9), source: WorkerID(1),
                            payload: [UInt8](repeating: 1, count: 64))
    Benchmark("wire: envelope encode + decode (64 B payload)") { benchmark in
        for _ in benchmark.scaledIterations {
            let bytes = envelope.encoded()
            blackHole(try Envelope.decode(bytes))
        }
    }

    Benchmark("scheduler: submit + dispatch 1000 futures to 4 workers") { benchmark in
        for _ in benchmark.scaledIterations {
            var scheduler = BrokerScheduler()
            for worker in 1...4 { scheduler.join(WorkerID(worker)) }
            for sequence in 0..<1000 {
                _ = scheduler.submit(Envelope(kind: .task, futureID: FutureID(owner: .origin, sequence: UInt64(sequence)),
                                              source: .origin))
            }
            for worker in 1...4 { blackHole(scheduler.request(from: WorkerID(worker), count: 250)) }
        }
    }

    Benchmark("broker: route 1000 results") { benchmark in
        var core = BrokerCore(expectedBuild: nil, workerCount: 2)
        for worker in [WorkerID.origin, WorkerID(1)] {
            let join = JoinRequest(build: "b", workerID: worker.rawValue, host: "h", processID: 1, slots: 1)
            _ = core.receive(Envelope(kind: .join, source: worker, payload: try PayloadCodec.encode(join)), from: worker)
        }
        for _ in benchmark.scaledIterations {
            for sequence in 0..<1000 {
                let result = Envelope(kind: .result, futureID: FutureID(owner: .origin, sequence: UInt64(sequence)),
                                      source: WorkerID(1), target: .origin)
                blackHole(core.receive(result, from: WorkerID(1)))
            }
        }
    }

    Benchmark("threads: submit → await round trip", configuration: .init(scalingFactor: .kilo)) { benchmark in
        try await Pool.run(functions: [identity], options: PoolOptions(workers: 2)) {
            benchmark.startMeasurement()
            for index in benchmark.scaledIterations {
                blackHole(try await Futures.submit(identity, index).value)
            }
            benchmark.stopMeasurement()
        }
    }
}
