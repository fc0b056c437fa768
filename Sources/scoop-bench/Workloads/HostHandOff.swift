#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScoopCore

/// `host`: what one thread hand-off costs on this host now, outside
/// swift-scoop: 2,000 round trips of one byte between the origin's thread
/// and a plain thread over two pipes (each round trip wakes each thread
/// once). Every latency workload is a chain of such hand-offs (W2r on
/// ZeroMQ about 18 per round trip), and on a shared virtual machine their
/// cost changes several-fold from hour to hour, so read W2 and W2r against
/// this line of the same run. Metric `us_per_roundtrip`; `median_us`, `p90_us`.
enum HostHandOff {
    static let count = 2_000

    static let workload = Workload(name: "host", title: "thread hand-off", watchdogSeconds: 60) { _ in
        try measure()
    }

    static func measure() throws -> BenchResult {
        let ping = try Pipe(), pong = try Pipe()
        defer { ping.closeBoth(); pong.closeBoth() }
        let started = DetachedThread.spawn {
            DetachedThread.nameCurrentThread("bench-echo")
            var byte: UInt8 = 0
            // Echo every byte; a zero ends the thread.
            while read(ping.readEnd, &byte, 1) == 1, byte != 0 {
                guard write(pong.writeEnd, &byte, 1) == 1 else { break }
            }
            byte = 0
            _ = write(pong.writeEnd, &byte, 1)
        }
        if let failure = started { throw HandOffError("pthread_create failed: \(failure)") }
        func roundTrip() throws {
            var byte: UInt8 = 1
            guard write(ping.writeEnd, &byte, 1) == 1, read(pong.readEnd, &byte, 1) == 1, byte == 1 else {
                throw HandOffError("the echo thread stopped answering (errno \(errno))")
            }
        }
        for _ in 0..<100 { try roundTrip() }
        var times = RoundTripTimes(capacity: count)
        let start = BenchClock.now()
        for _ in 0..<count {
            let before = BenchClock.now()
            try roundTrip()
            times.append(nanoseconds: BenchClock.now() &- before)
        }
        let seconds = BenchClock.seconds(since: start)
        // Stop the echo thread and wait for its last byte, so that it is gone before the pipes close.
        var stop: UInt8 = 0
        _ = write(ping.writeEnd, &stop, 1)
        _ = read(pong.readEnd, &stop, 1)
        return BenchResult(workload: "host", n: count, seconds: seconds, metric: "us_per_roundtrip",
                           value: seconds * 1e6 / Double(count), ok: true,
                           extras: times.percentileExtras())
    }

    /// A pipe's two descriptors.
    private struct Pipe: Sendable {
        let readEnd: Int32
        let writeEnd: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw HandOffError("pipe failed (errno \(errno))") }
            readEnd = ends[0]
            writeEnd = ends[1]
        }

        func closeBoth() {
            _ = close(readEnd)
            _ = close(writeEnd)
        }
    }

    private struct HandOffError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
