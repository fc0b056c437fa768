import CFuzzDriver
import Foundation
import ScoopCore

/// One libFuzzer input: arbitrary bytes as they could arrive on the broker's
/// port. Decoding must throw or succeed, never trap; whatever decodes must
/// encode to as many bytes and decode again to the same envelopes; and a broker fed the bytes as a frame from
/// a member and from a stranger must keep its counters consistent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let limit = 1 << 16
    if let envelopes = try? Envelope.decodeAll(bytes, maximumPayloadSize: limit) {
        var packer = EnvelopePacker()
        for envelope in envelopes { packer.append(envelope) }
        // Same size, same envelopes (the reserved header field is ignored, then written as 0).
        let frame = packer.take()
        precondition(frame.count == size, "a decoded frame encodes to \(frame.count) bytes, not \(size)")
        let again = frame.withUnsafeBytes { try? Envelope.decodeAll($0, maximumPayloadSize: limit) }
        precondition(again == envelopes, "a decoded frame does not decode the same after encoding")
    }
    if let (envelope, used) = try? Envelope.decode(from: bytes) {
        precondition(used == envelope.encodedSize && used <= size, "decode consumed \(used) of \(size) bytes")
    }
    BrokerHarness.feed(bytes, maximumPayloadSize: limit)
    return 0
}

/// A broker with the origin and one worker joined, fed one fuzzed frame from
/// each of them and from a stranger.
enum BrokerHarness {
    /// The joined pool, made once; each input starts from a copy of it.
    /// libFuzzer calls the target from one thread only, so no lock is needed.
    nonisolated(unsafe) static let pool: BrokerCore = {
        var core = BrokerCore(expectedBuild: "fuzz", workerCount: 2)
        for worker in [WorkerID.origin, WorkerID(1)] {
            let request = JoinRequest(build: "fuzz", workerID: worker.rawValue, host: "fuzz", processID: 1, slots: 1)
            let payload = try! PayloadCodec.encode(request)
            _ = core.receive(Envelope(kind: .join, source: worker, payload: payload), from: worker, now: 0)
        }
        precondition(core.members.count == 2, "the fuzz pool did not form")
        _ = core.takeNotices()
        return core
    }()

    static func feed(_ bytes: UnsafeRawBufferPointer, maximumPayloadSize: Int) {
        var core = pool
        var sends = 0
        for peer in [WorkerID(1), WorkerID(77), WorkerID.origin] {
            sends += core.receive(frame: bytes, from: peer, maximumPayloadSize: maximumPayloadSize, now: 1).sends.count
        }
        let counters = core.counters
        precondition(counters.dropped >= 0 && counters.routed >= 0 && sends >= 0, "negative counters")
        _ = core.takeNotices()
    }
}


/// `SCOOP_FUZZ_WRITE_SEEDS=DIR FuzzEnvelope` writes the seed corpus (valid
/// envelopes and packed frames of every kind) to DIR and exits. The seeds in
/// Fuzz/Corpus/envelope were made this way.
func writeSeeds(to directory: String) {
    let request = JoinRequest(build: "fuzz", workerID: 1, host: "h", processID: 7, slots: 1)
    let future = FutureID(owner: .origin, sequence: 1)
    var envelopes: [Envelope] = [
        Envelope(kind: .join, source: WorkerID(1), payload: (try? PayloadCodec.encode(request)) ?? []),
        Envelope(kind: .task, flags: [.chunk], futureID: future, functionID: FunctionID(rawValue: 0xABCD),
                 source: .origin, payload: [2, 0, 0, 0, 1, 2, 3, 4]),
        Envelope(kind: .result, flags: [.failed], futureID: future, source: WorkerID(1), target: .origin, payload: [9, 9]),
        Envelope(kind: .request, source: WorkerID(1), payload: [4, 0, 0, 0]),
        Envelope(kind: .constant, source: .origin, target: .none,
                 payload: SharedConstantRecord(name: "w", value: [1, 2, 3]).payload),
        Envelope(kind: .cancel, futureID: future, source: .origin),
        Envelope(kind: .heartbeat, source: WorkerID(1)),
        Envelope(kind: .shutdown, source: .origin, payload: Array("done".utf8)),
    ]
    var packed = EnvelopePacker()
    for envelope in envelopes.prefix(4) { packed.append(envelope) }
    envelopes.append(Envelope(kind: .event, source: WorkerID(1)))
    var seeds = envelopes.map { $0.encoded() }
    seeds.append(packed.take())
    for (index, seed) in seeds.enumerated() {
        FileManager.default.createFile(atPath: "\(directory)/seed-\(index)", contents: Data(seed))
    }
}

// Entry point: write the seeds, or hand over to libFuzzer (its options and corpus directories in argv).
if let directory = ProcessInfo.processInfo.environment["SCOOP_FUZZ_WRITE_SEEDS"] {
    writeSeeds(to: directory)
    exit(0)
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzEnvelope($0, $1) })
