import Testing
@testable import ScoopCore

/// A small seeded generator (SplitMix64) so property tests are reproducible.
struct CodecTestRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}

@Suite struct EnvelopeCodingTests {
    static func randomEnvelope(_ random: inout CodecTestRandom) -> Envelope {
        let kinds = EnvelopeKind.allCases
        let payloadCount = Int.random(in: 0...10, using: &random) == 0
            ? Int.random(in: 0...5000, using: &random) : Int.random(in: 0...64, using: &random)
        return Envelope(
            kind: kinds[Int.random(in: 0..<kinds.count, using: &random)],
            flags: EnvelopeFlags(rawValue: UInt16.random(in: .min ... .max, using: &random)),
            futureID: FutureID(rawValue: random.next()),
            parentID: FutureID(rawValue: random.next()),
            functionID: FunctionID(rawValue: UInt32.random(in: .min ... .max, using: &random)),
            source: WorkerID(rawValue: UInt32.random(in: .min ... .max, using: &random)),
            target: WorkerID(rawValue: UInt32.random(in: .min ... .max, using: &random)),
            payload: random.bytes(payloadCount))
    }

    @Test func everyKindRoundTripsWithRandomFields() throws {
        var random = CodecTestRandom(seed: 1)
        var seen = Set<UInt8>()
        for _ in 0..<3000 {
            let envelope = Self.randomEnvelope(&random)
            seen.insert(envelope.kind.rawValue)
            let bytes = envelope.encoded()
            #expect(bytes.count == envelope.encodedSize)
            #expect(try Envelope.decode(bytes) == envelope)
            let (decoded, used) = try bytes.withUnsafeBytes { try Envelope.decode(from: $0) }
            #expect(decoded == envelope)
            #expect(used == bytes.count)
        }
        #expect(seen.count == EnvelopeKind.allCases.count)
    }

    @Test func headerLayoutIsAsDocumented() {
        let envelope = Envelope(
            kind: .result, flags: [.failed, .cancelled],
            futureID: FutureID(rawValue: 0x0102_0304_0506_0708), parentID: FutureID(rawValue: 0x1112_1314_1516_1718),
            functionID: FunctionID(rawValue: 0x2122_2324), source: WorkerID(rawValue: 0x3132_3334),
            target: WorkerID(rawValue: 0x4142_4344), payload: [0xAA, 0xBB])
        let bytes = envelope.encoded()
        #expect(Envelope.headerSize == 40)
        #expect(Array(bytes[0..<8]) == [0x43, 0x53, Envelope.protocolVersion, 5, 0x09, 0x00, 0, 0])
        #expect(Array(bytes[8..<16]) == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(Array(bytes[16..<24]) == [0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11])
        #expect(Array(bytes[24..<28]) == [0x24, 0x23, 0x22, 0x21])
        #expect(Array(bytes[28..<32]) == [0x34, 0x33, 0x32, 0x31])
        #expect(Array(bytes[32..<36]) == [0x44, 0x43, 0x42, 0x41])
        #expect(Array(bytes[36..<40]) == [2, 0, 0, 0])
        #expect(Array(bytes[40...]) == [0xAA, 0xBB])
    }

    @Test func encodeAppendsToExistingBytes() throws {
        var buffer: [UInt8] = [9, 9, 9]
        let envelope = Envelope(kind: .heartbeat, source: WorkerID(3), payload: [1])
        envelope.encode(into: &buffer)
        #expect(buffer.count == 3 + envelope.encodedSize)
        #expect(try Envelope.decode(Array(buffer[3...])) == envelope)
    }

    @Test func packedFramesOfManyEnvelopes() throws {
        var random = CodecTestRandom(seed: 2)
        var packer = EnvelopePacker()
        #expect(packer.count == 0 && packer.byteCount == 0)
        var expected: [Envelope] = []
        for _ in 0..<500 {
            let envelope = Self.randomEnvelope(&random)
            packer.append(envelope)
            expected.append(envelope)
        }
        #expect(packer.count == 500)
        #expect(packer.byteCount == expected.reduce(0) { $0 + $1.encodedSize })
        let frame = packer.take()
        #expect(packer.count == 0 && packer.byteCount == 0)
        #expect(try frame.withUnsafeBytes { try Envelope.decodeAll($0) } == expected)

        packer.append(expected[0])
        #expect(try packer.take().withUnsafeBytes { try Envelope.decodeAll($0) } == [expected[0]])
        #expect(try [UInt8]().withUnsafeBytes { try Envelope.decodeAll($0) } == [])
    }

    @Test func truncatedAtEveryOffset() {
        let envelope = Envelope(kind: .task, futureID: FutureID(rawValue: 5), source: .origin, payload: Array(0..<25))
        let bytes = envelope.encoded()
        for length in 0..<bytes.count {
            let prefix = Array(bytes[..<length])
            let expected: WireError = length < 40
                ? .truncated(needed: 40, available: length) : .truncated(needed: bytes.count, available: length)
            #expect(throws: expected) { try Envelope.decode(prefix) }
            if length > 0 {   // an empty frame is valid: no envelopes
                #expect(throws: expected) { try prefix.withUnsafeBytes { try Envelope.decodeAll($0) } }
            }
        }
        // A frame cut inside its second envelope.
        let frame = bytes + bytes
        let cut = Array(frame[..<(bytes.count + 50)])
        #expect(throws: WireError.truncated(needed: bytes.count, available: 50)) {
            try cut.withUnsafeBytes { try Envelope.decodeAll($0) }
        }
    }

    @Test func badMagicVersionAndKind() {
        let good = Envelope(kind: .cancel, source: WorkerID(1)).encoded()
        var bytes = good
        bytes[0] = 0x47; bytes[1] = 0x45
        #expect(throws: WireError.badMagic(found: 0x4547)) { try Envelope.decode(bytes) }
        #expect(throws: WireError.badMagic(found: 0x4547)) { try Envelope.decode(Array(bytes[..<2])) }

        bytes = good
        bytes[2] = 7
        #expect(throws: WireError.unsupportedVersion(found: 7, supported: Envelope.protocolVersion)) { try Envelope.decode(bytes) }
        #expect(throws: WireError.unsupportedVersion(found: 7, supported: Envelope.protocolVersion)) { try Envelope.decode(Array(bytes[..<3])) }

        for kind: UInt8 in [0, 13, 200, 255] {
            bytes = good
            bytes[3] = kind
            #expect(throws: WireError.unknownKind(kind)) { try Envelope.decode(bytes) }
        }
    }

    @Test func absurdDeclaredLengths() {
        var bytes = Envelope(kind: .task, source: WorkerID(1), payload: [1, 2, 3]).encoded()
        bytes.replaceSubrange(36..<40, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: WireError.payloadTooLarge(declared: Int(UInt32.max), limit: Envelope.defaultMaximumPayloadSize)) {
            try Envelope.decode(bytes)
        }
        bytes.replaceSubrange(36..<40, with: [0x00, 0x00, 0x10, 0x00])   // 1 MiB, 3 bytes present
        #expect(throws: WireError.payloadTooLarge(declared: 1 << 20, limit: 1000)) {
            try Envelope.decode(bytes, maximumPayloadSize: 1000)
        }
        #expect(throws: WireError.truncated(needed: 40 + (1 << 20), available: 43)) { try Envelope.decode(bytes) }
    }

    @Test func trailingBytesAreRefusedByDecodeOne() {
        let bytes = Envelope(kind: .shutdown, source: .origin).encoded() + [1, 2]
        #expect(throws: WireError.trailingBytes(2)) { try Envelope.decode(bytes) }
    }

    @Test func unknownFlagBitsAndReservedFieldAreAccepted() throws {
        var bytes = Envelope(kind: .result, flags: EnvelopeFlags(rawValue: 0xF001), source: WorkerID(2)).encoded()
        bytes[6] = 0x12
        let decoded = try Envelope.decode(bytes)
        #expect(decoded.flags.rawValue == 0xF001)
        #expect(decoded.flags.contains(.failed))
    }

    @Test func garbageNeverCrashes() {
        var random = CodecTestRandom(seed: 3)
        for round in 0..<5000 {
            var bytes = random.bytes(Int.random(in: 0...120, using: &random))
            if round % 2 == 0, bytes.count >= 4 {
                // Mostly-valid headers get further into the decoder.
                bytes[0] = 0x43; bytes[1] = 0x53; bytes[2] = Envelope.protocolVersion
            }
            _ = try? Envelope.decode(bytes)
            _ = try? bytes.withUnsafeBytes { try Envelope.decodeAll($0, maximumPayloadSize: 100) }
        }
        // Single-byte corruptions of a valid frame.
        let frame = (0..<4).map { Envelope(kind: .task, source: WorkerID($0), payload: Array(repeating: 7, count: $0 * 3)) }
            .reduce(into: [UInt8]()) { $1.encode(into: &$0) }
        for offset in frame.indices {
            var bad = frame
            bad[offset] ^= UInt8.random(in: 1...255, using: &random)
            _ = try? bad.withUnsafeBytes { try Envelope.decodeAll($0) }
        }
    }

    @Test func errorDescriptionsAreSentences() {
        #expect(WireError.unsupportedVersion(found: 7, supported: 1).description
            == "wire: unsupported protocol version 7 (this build speaks 1); are all processes running the same binary?")
        #expect(WireError.truncated(needed: 40, available: 3).description
            == "wire: truncated envelope: needed 40 bytes, only 3 available")
        #expect(WireError.badMagic(found: 0x4547).description.hasPrefix("wire: bad magic 0x4547 (expected 0x5343)"))
        #expect(WireError.unknownKind(99).description.contains("unknown envelope kind 99"))
        #expect(WireError.payloadTooLarge(declared: 10, limit: 5).description
            == "wire: declared payload of 10 bytes exceeds the limit of 5 bytes")
        #expect(WireError.trailingBytes(2).description == "wire: 2 unexpected bytes after the envelope")
    }
}
