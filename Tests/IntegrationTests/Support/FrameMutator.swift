import ScoopCore

/// A seeded generator (splitmix64): a failing fuzz run can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random and mutated broker messages: valid envelopes of every kind with
/// flipped bits, cut short, with absurd declared sizes, unknown kinds, other
/// magic or version, bogus future ids, packed with garbage, or plain noise.
///
/// ```swift
/// var mutator = FrameMutator(seed: 42, source: WorkerID(5000))
/// try client.send(mutator.message())
/// ```
struct FrameMutator {
    var random: SeededGenerator
    let source: WorkerID

    init(seed: UInt64, source: WorkerID) {
        random = SeededGenerator(seed: seed)
        self.source = source
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// A well-formed envelope of a random kind from `source` (a join names another build).
    mutating func validEnvelope() -> Envelope {
        let kind = EnvelopeKind.allCases.randomElement(using: &random)!
        let future = FutureID(rawValue: UInt64.random(in: 0...UInt64.max, using: &random))
        var payload = bytes(Int.random(in: 0...64, using: &random))
        if kind == .join {
            let request = JoinRequest(build: "not-the-pool's-build", workerID: source.rawValue, host: "fuzzer",
                                      processID: 1, slots: 1)
            payload = (try? PayloadCodec.encode(request)) ?? payload
        }
        return Envelope(kind: kind, flags: EnvelopeFlags(rawValue: UInt16.random(in: 0...31, using: &random)),
                        futureID: future, parentID: future, functionID: FunctionID(rawValue: UInt32.random(in: 0...9, using: &random)),
                        source: source, target: Bool.random(using: &random) ? .broker : .origin, payload: payload)
    }

    /// One frame: a mutation of a valid envelope (or several packed), or noise.
    mutating func frame() -> [UInt8] {
        var frame = validEnvelope().encoded()
        switch Int.random(in: 0..<9, using: &random) {
        case 0:  // flipped bits
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let index = Int.random(in: 0..<frame.count, using: &random)
                frame[index] ^= 1 << UInt8.random(in: 0...7, using: &random)
            }
        case 1:  // cut short
            frame.removeLast(Int.random(in: 1...frame.count, using: &random))
        case 2:  // an absurd or wrong declared size
            let size = [UInt32.max, 1 << 31, 1 << 20, UInt32(frame.count), 0].randomElement(using: &random)!
            withUnsafeBytes(of: size.littleEndian) { frame.replaceSubrange(36..<40, with: $0) }
        case 3:  // an unknown kind
            frame[3] = UInt8.random(in: 13...255, using: &random)
        case 4:  // another version or magic
            frame[Int.random(in: 0...2, using: &random)] = UInt8.random(in: 0...255, using: &random)
        case 5:  // several packed, the last one bad
            frame += validEnvelope().encoded() + bytes(Int.random(in: 1...50, using: &random))
        case 6:  // noise
            frame = bytes(Int.random(in: 1...300, using: &random))
        case 7:  // valid, but from a peer that has not joined (or a refused join)
            break
        default:  // a valid envelope with garbage appended
            frame += bytes(Int.random(in: 1...8, using: &random))
        }
        return frame
    }

    /// A message: usually one frame, sometimes the wrong number of frames.
    mutating func message() -> [[UInt8]] {
        guard Int.random(in: 0..<10, using: &random) == 0 else { return [frame()] }
        return (0..<Int.random(in: 2...4, using: &random)).map { _ in frame() }
    }
}
