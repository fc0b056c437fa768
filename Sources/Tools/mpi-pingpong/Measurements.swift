#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Clocks, statistics and the JSON lines the tool prints.
enum Measure {
    /// `CLOCK_MONOTONIC` in nanoseconds.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// CPU time (user + system, every thread) this process has used, in seconds.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The `fraction` quantile (0...1) of `samples`, nearest rank.
    static func quantile(_ samples: [Double], _ fraction: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        let index = min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))
        return sorted[index]
    }

    /// Rounds for printing.
    static func rounded(_ value: Double, places: Int = 2) -> Double {
        let scale = (0..<places).reduce(1.0) { value, _ in value * 10 }
        return (value * scale).rounded() / scale
    }

    /// Prints one JSON object on one line; values are numbers, booleans or strings.
    static func emit(_ fields: KeyValuePairs<String, any Sendable>) {
        let body = fields.map { key, value -> String in
            switch value {
            case let text as String: "\"\(key)\":\"\(text)\""
            case let number as Double where !number.isFinite: "\"\(key)\":null"
            default: "\"\(key)\":\(value)"
            }
        }
        print("{" + body.joined(separator: ",") + "}")
    }

    /// A deterministic, non-periodic byte pattern (a 64-bit LCG's top byte).
    static func pattern(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }
}
