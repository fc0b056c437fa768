import Scoop

/// W5 payload: 200 tasks, each taking a distinct 1 MiB byte buffer (first 8
/// bytes = task index, little-endian) and returning (length, Adler-32).
/// Metric `MB_per_s` = 200·2^20 / seconds / 10^6.
enum W5Payload {
    static let tasks = 200
    static let bufferSize = 1 << 20

    struct Checksum: Codable, Sendable, Equatable {
        var length: Int
        var adler32: UInt32
    }

    static let checksum = TaskFunction("bench.checksum") { (bytes: [UInt8]) -> Checksum in
        Checksum(length: bytes.count, adler32: Adler32.checksum(bytes))
    }

    /// Buffer `index`: its index in the first 8 bytes, then a pattern.
    static func buffer(_ index: Int, size: Int = bufferSize) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: size) { storage, initialized in
            let header = UInt64(index).littleEndian
            for offset in 0..<min(8, size) { storage[offset] = UInt8(truncatingIfNeeded: header >> (8 * offset)) }
            var offset = 8
            while offset < size {
                storage[offset] = UInt8(truncatingIfNeeded: offset &* 31 &+ index &+ offset >> 11)
                offset += 1
            }
            initialized = size
        }
    }

    static let workload = Workload(name: "W5", title: "payload", watchdogSeconds: 300) { _ in
        let buffers = (0..<tasks).map { buffer($0) }
        let start = BenchClock.now()
        let results = try await Futures.map(checksum, buffers)
        let seconds = BenchClock.seconds(since: start)
        // Verify with the plain byte-at-a-time definition, not the task's code.
        var wrong = 0
        for (index, result) in results.enumerated() {
            if result != Checksum(length: bufferSize, adler32: Adler32.reference(buffers[index])) { wrong += 1 }
        }
        let ok = wrong == 0 && results.count == tasks
        let bytes = Double(tasks * bufferSize)
        return BenchResult(workload: "W5", n: tasks, seconds: seconds, metric: "MB_per_s",
                           value: bytes / seconds / 1e6, ok: ok, extras: [("bytes", .int(tasks * bufferSize))],
                           error: ok ? nil : "\(wrong) of \(tasks) checksums wrong")
    }
}

/// Adler-32 (RFC 1950): a = 1 + Σ bytes, b = Σ of the successive a, both mod 65521.
enum Adler32 {
    static let modulus: UInt64 = 65_521

    /// The definition, one byte at a time (for verification); the modulo is
    /// taken every 5552 bytes, the most before b could exceed 2^32 (zlib's NMAX).
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var sinceModulo = 0
        for byte in bytes {
            a &+= UInt32(byte)
            b &+= a
            sinceModulo += 1
            if sinceModulo == 5552 {
                a %= UInt32(modulus)
                b %= UInt32(modulus)
                sinceModulo = 0
            }
        }
        return (b % UInt32(modulus)) << 16 | (a % UInt32(modulus))
    }

    /// Sixteen bytes per step in SIMD lanes. For a block of n = 16·m bytes
    /// x_i starting from (a, b): a' = a + Σ x_i and b' = b + n·a + Σ (n − i)·x_i.
    /// Per lane, s1 sums the bytes and s2 sums s1 after each step, so that
    /// Σ (n − i)·x_i = 16·Σ s2 − Σ_lane lane·s1[lane]. Steps go in groups of 16
    /// with 16-bit lanes (≤ 255·136, no overflow), folded into 32-bit lanes
    /// after each group; 4096 steps per block keep every s2 lane below 2^32.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { raw -> UInt32 in
            var a: UInt64 = 1, b: UInt64 = 0
            var offset = 0
            let lanes = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
            while raw.count - offset >= 256 {
                let groups = min((raw.count - offset) / 256, 256)
                var s1 = SIMD16<UInt32>(repeating: 0)
                var s2 = SIMD16<UInt32>(repeating: 0)
                for group in 0..<groups {
                    let base = offset + 256 * group
                    var groupSum = SIMD16<UInt16>(repeating: 0)
                    var groupWeighted = SIMD16<UInt16>(repeating: 0)
                    for step in 0..<16 {
                        let chunk = raw.loadUnaligned(fromByteOffset: base + 16 * step, as: SIMD16<UInt8>.self)
                        groupSum &+= SIMD16<UInt16>(truncatingIfNeeded: chunk)
                        groupWeighted &+= groupSum
                    }
                    // Σ over the group's steps of (s1 before it + partial sums) = 16·s1 + weighted.
                    s2 &+= s1 &* 16 &+ SIMD16<UInt32>(truncatingIfNeeded: groupWeighted)
                    s1 &+= SIMD16<UInt32>(truncatingIfNeeded: groupSum)
                }
                let n = UInt64(256 * groups)
                let weighted = UInt64((s1 &* lanes).wrappedSum())
                let sum2 = SIMD16<UInt64>(truncatingIfNeeded: s2).wrappedSum()
                b = (b + n * a + 16 * sum2 - weighted) % modulus
                a = (a + UInt64(s1.wrappedSum())) % modulus
                offset += 256 * groups
            }
            while offset < raw.count {
                a = (a + UInt64(raw[offset])) % modulus
                b = (b + a) % modulus
                offset += 1
            }
            return UInt32(b << 16 | a)
        }
    }
}
