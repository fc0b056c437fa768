import Dispatch
@_spi(Testing) import ScoopMPI
import Synchronization

/// Message tags of the tool's protocol between rank 0 and rank 1.
enum Tag: Int32 {
    case ready = 1, ping, pong, asyncPing, asyncPong, bulk, bulkAck
    case frame, afterFrame, frameEcho, frameVerdict, idleStart, idleReport, done
}

/// A received message that the main task handles (everything but the hot
/// ping-pong and bulk paths, which run inside the engine's callback).
struct Received: Sendable {
    var source: Int
    var tag: Int32
    var bytes: [UInt8]
}

/// The callback side of the tool: answers pings and counts bulk messages on
/// the progress thread, drives the engine-level ping-pong on rank 0, and
/// forwards the rest to an `AsyncStream`.
final class Peer: Sendable {
    static let bulkMessagesPerRound = 256

    let inbox: AsyncStream<Received>
    private let inboxContinuation: AsyncStream<Received>.Continuation
    private let engineBox = Mutex<MPIProgressEngine?>(nil)
    private let bulkReceived = Atomic<Int>(0)
    private let latency = Mutex(LatencyRun())
    private let latencyDone = DispatchSemaphore(value: 0)

    init() {
        (inbox, inboxContinuation) = AsyncStream.makeStream(of: Received.self, bufferingPolicy: .unbounded)
    }

    var engine: MPIProgressEngine {
        engineBox.withLock { $0! }
    }

    func attach(_ engine: MPIProgressEngine) {
        engineBox.withLock { $0 = engine }
    }

    /// The engine's `onMessage`.
    func handle(source: Int, tag: Int32, bytes: [UInt8]) {
        switch Tag(rawValue: tag) {
        case .ping:
            engine.send(bytes, to: source, tag: Tag.pong.rawValue)
        case .asyncPing:
            engine.send(bytes, to: source, tag: Tag.asyncPong.rawValue)
        case .pong:
            pong()
        case .bulk:
            if bulkReceived.add(1, ordering: .relaxed).newValue % Self.bulkMessagesPerRound == 0 {
                engine.send([], to: source, tag: Tag.bulkAck.rawValue)
            }
        default:
            inboxContinuation.yield(Received(source: source, tag: tag, bytes: bytes))
        }
    }

    // MARK: Engine-level ping-pong (rank 0): the next ping leaves from the callback.

    private struct LatencyRun {
        var warmupLeft = 0
        var measuredLeft = 0
        var sentAt: UInt64 = 0
        var samples: [Double] = []
        var payload: [UInt8] = []
    }

    /// Runs `warmup + count` round trips to rank 1; returns the measured ones in µs.
    func engineRoundTrips(count: Int, warmup: Int, payload: [UInt8]) -> [Double] {
        latency.withLock { run in
            run = LatencyRun(warmupLeft: warmup, measuredLeft: count, sentAt: Measure.now(), payload: payload)
            run.samples.reserveCapacity(count)
        }
        engine.send(payload, to: 1, tag: Tag.ping.rawValue)
        latencyDone.wait()
        return latency.withLock { $0.samples }
    }

    private func pong() {
        let now = Measure.now()
        let next: [UInt8]? = latency.withLock { run in
            if run.warmupLeft > 0 {
                run.warmupLeft -= 1
            } else {
                run.samples.append(Double(now - run.sentAt) / 1_000)
                run.measuredLeft -= 1
            }
            guard run.measuredLeft > 0 else { return nil }
            run.sentAt = Measure.now()
            return run.payload
        }
        if let next {
            engine.send(next, to: 1, tag: Tag.ping.rawValue)
        } else {
            latencyDone.signal()
        }
    }
}
