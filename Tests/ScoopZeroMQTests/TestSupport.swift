import Foundation
import ScoopZeroMQ
import Synchronization

/// The three transports every socket test runs over, with fresh addresses.
enum TestTransport: String, CaseIterable, Sendable {
    case tcp, ipc, inproc

    /// An endpoint to bind; tcp lets the OS pick the port.
    func bindEndpoint() -> String {
        switch self {
        case .tcp: "tcp://127.0.0.1:*"
        case .ipc: "ipc://\(ipcSocketDirectory)/\(UUID().uuidString.prefix(8)).sock"
        case .inproc: "inproc://scoop-\(UUID().uuidString)"
        }
    }
}

/// Where this test process's `ipc` sockets live: one directory, removed with
/// its sockets when the process exits (the tests' sockets are not all closed
/// before then, and libzmq unlinks a socket's file only when it closes it).
let ipcSocketDirectory: String = {
    let directory = "\(NSTemporaryDirectory())scoop-zmq-tests-\(UUID().uuidString.prefix(8))"
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    } catch {
        fatalError("cannot make a directory for the tests' ipc sockets: \(error)")
    }
    atexit { try? FileManager.default.removeItem(atPath: ipcSocketDirectory) }
    return directory
}()

/// A ROUTER bound to a fresh endpoint of `transport`, and that endpoint.
func makeRouter(_ context: ZMQContext, over transport: TestTransport) throws -> (ZMQSocket, String) {
    let router = try ZMQSocket(context: context, type: .router)
    try router.set(.linger(.zero))
    try router.bind(transport.bindEndpoint())
    return (router, try router.lastEndpoint)
}

/// A DEALER connected to `endpoint`.
func makeDealer(_ context: ZMQContext, connectedTo endpoint: String) throws -> ZMQSocket {
    let dealer = try ZMQSocket(context: context, type: .dealer)
    try dealer.set(.linger(.zero))
    try dealer.connect(endpoint)
    return dealer
}

/// Receives `count` values from `stream`, or fewer if `timeout` passes first.
func collect<T: Sendable>(_ stream: AsyncStream<T>, count: Int, timeout: Duration) async -> [T] {
    await withTaskGroup(of: [T]?.self) { group in
        group.addTask {
            var values: [T] = []
            values.reserveCapacity(count)
            for await value in stream {
                values.append(value)
                if values.count == count { break }
            }
            return values
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        var result: [T] = []
        // Whichever finishes first cancels the other; on timeout the cancelled
        // collector still returns what it has.
        for await values in group {
            if let values { result = values }
            group.cancelAll()
        }
        return result
    }
}

/// Polls `condition` every millisecond until true or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return condition()
}

/// A message of `size` bytes whose content depends on `seed`.
func pattern(size: Int, seed: Int) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
}

/// A 4-byte big-endian integer and back.
func encode(_ value: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(value).bigEndian) { Array($0) } }
func decode(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 << 8 | Int($1) } }

/// Messages whose per-sender sequence numbers (frame 0: sender, frame 1:
/// sequence) are not in sending order, or missing at the end.
func outOfOrder(_ messages: [[[UInt8]]], senders: Int, perSender: Int) -> Int {
    var next = [Int](repeating: 0, count: senders)
    var outOfOrder = 0
    for message in messages {
        let sender = Int(message[0][0])
        if decode(message[1]) != next[sender] { outOfOrder += 1 }
        next[sender] = decode(message[1]) + 1
    }
    return outOfOrder + next.filter { $0 != perSender }.count
}

/// Runs `body(index)` on `count` new threads and waits for all of them:
/// threads of their own, so that the test never blocks a thread of Swift's
/// cooperative pool (two on a two-core machine), which every test of the
/// process shares.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    let (done, finished) = AsyncStream.makeStream(of: Void.self)
    for index in 0..<count {
        Thread {
            body(index)
            finished.yield()
        }.start()
    }
    var remaining = count
    for await _ in done {
        remaining -= 1
        if remaining == 0 { break }
    }
}
