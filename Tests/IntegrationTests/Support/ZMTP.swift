import Foundation
import ScoopCore
import Synchronization

/// Just enough of ZMTP 3.0 (the ZeroMQ wire protocol, NULL security) to
/// talk to the broker by hand and to watch a connection pass through a proxy.
enum ZMTP {
    static let greetingSize = 64

    /// The greeting of a NULL-mechanism ZMTP 3.0 peer.
    static func greeting() -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7F, 3, 0]
        bytes += Array("NULL".utf8) + [UInt8](repeating: 0, count: 16)
        bytes += [0]  // as-server
        bytes += [UInt8](repeating: 0, count: greetingSize - bytes.count)
        return bytes
    }

    /// A frame header: flags (more, long, command) then a 1- or 8-byte size.
    static func header(size: UInt64, more: Bool = false, command: Bool = false) -> [UInt8] {
        var flags: UInt8 = (more ? 0x01 : 0) | (command ? 0x04 : 0)
        guard size > 255 else { return [flags, UInt8(size)] }
        flags |= 0x02
        return [flags] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: size >> (8 * UInt64($0))) }
    }

    static func frame(_ body: [UInt8], more: Bool = false) -> [UInt8] {
        header(size: UInt64(body.count), more: more) + body
    }

    /// The READY command of a DEALER with `identity`.
    static func ready(identity: [UInt8]) -> [UInt8] {
        var body: [UInt8] = [5] + Array("READY".utf8)
        for (name, value) in [("Socket-Type", Array("DEALER".utf8)), ("Identity", identity)] {
            body += [UInt8(name.utf8.count)] + Array(name.utf8)
            body += (0..<4).reversed().map { UInt8(truncatingIfNeeded: value.count >> (8 * $0)) } + value
        }
        return header(size: UInt64(body.count), command: true) + body
    }
}

/// One ZMTP frame as it was on the wire.
struct ZMTPFrame: Sendable {
    var flags: UInt8
    var body: [UInt8]
    var raw: [UInt8]
    var isCommand: Bool { flags & 0x04 != 0 }

    /// The envelopes of a message frame (a broker packs several in one).
    var envelopes: [Envelope] {
        guard !isCommand, !body.isEmpty else { return [] }
        return (try? body.withUnsafeBytes { try Envelope.decodeAll($0) }) ?? []
    }
}

/// Splits one direction of a ZMTP connection into the greeting and frames.
struct ZMTPReader {
    private var greetingLeft = ZMTP.greetingSize
    private var pending: [UInt8] = []

    /// Feeds bytes read from the socket: returns the greeting bytes among
    /// them (to be passed on at once: the peers exchange it piece by piece)
    /// and every frame completed.
    mutating func feed(_ bytes: [UInt8]) -> (greeting: [UInt8], frames: [ZMTPFrame]) {
        let greetingPart = Array(bytes.prefix(greetingLeft))
        greetingLeft -= greetingPart.count
        pending += bytes.dropFirst(greetingPart.count)
        var frames: [ZMTPFrame] = []
        while let first = pending.first {
            let long = first & 0x02 != 0
            let headerSize = long ? 9 : 2
            guard pending.count >= headerSize else { break }
            let size = long ? pending[1..<9].reduce(0) { $0 << 8 | Int($1) } : Int(pending[1])
            guard pending.count >= headerSize + size else { break }
            let raw = Array(pending[0..<headerSize + size])
            frames.append(ZMTPFrame(flags: first, body: Array(raw[headerSize...]), raw: raw))
            pending.removeFirst(headerSize + size)
        }
        return (greetingPart, frames)
    }
}

/// A hand-made DEALER connection to the broker.
final class ZMTPClient {
    let descriptor: Int32
    private var reader = ZMTPReader()
    private var frames: [ZMTPFrame] = []

    /// Connects and completes the handshake as a DEALER with `identity`.
    init(port: UInt16, identity: [UInt8]) throws {
        descriptor = try TCP.connect(port: port)
        TCP.setReceiveTimeout(descriptor, .seconds(5))
        try TCP.send(descriptor, ZMTP.greeting())
        var greeting = 0
        while greeting < ZMTP.greetingSize {
            guard let bytes = TCP.receive(descriptor) else { throw POSIXFailure("the broker's ZMTP greeting", ETIMEDOUT) }
            let (part, more) = reader.feed(bytes)
            greeting += part.count
            frames += more
        }
        try TCP.send(descriptor, ZMTP.ready(identity: identity))
    }

    /// Sends a message of one or more frames.
    func send(_ message: [[UInt8]]) throws {
        var bytes: [UInt8] = []
        for (index, body) in message.enumerated() { bytes += ZMTP.frame(body, more: index < message.count - 1) }
        try TCP.send(descriptor, bytes)
    }

    func sendRaw(_ bytes: [UInt8]) throws { try TCP.send(descriptor, bytes) }

    /// The next envelope from the broker, waiting up to the receive timeout (5 s).
    func receiveEnvelope() -> Envelope? {
        while true {
            if let index = frames.firstIndex(where: { !$0.envelopes.isEmpty }) {
                var message = frames[index].envelopes
                let first = message.removeFirst()
                frames.removeSubrange(...index)
                if !message.isEmpty {
                    let rest = message.flatMap { $0.encoded() }
                    frames.insert(ZMTPFrame(flags: 0, body: rest, raw: []), at: 0)
                }
                return first
            }
            guard let bytes = TCP.receive(descriptor) else { return nil }
            frames += reader.feed(bytes).frames
        }
    }

    deinit { Glibc.close(descriptor) }
}

/// A TCP proxy in front of the broker that decodes the envelopes going
/// each way and can stop passing the client's traffic on after a given
/// envelope, until ``release()``: the tests use it to hold a process at a
/// known point of its run instead of hoping for a timing.
///
/// ```swift
/// let proxy = try ZMTPProxy(to: brokerPort, holdAfter: (.constant, 2))
/// // connect the origin to tcp://127.0.0.1:\(proxy.port), then:
/// _ = await proxy.waitUntil(timeout: .seconds(30)) { $0.isHolding }
/// proxy.release()
/// ```
final class ZMTPProxy: Sendable {
    let port: UInt16
    private let targetPort: UInt16
    private let listener: Int32

    private struct State: Sendable {
        var rule: (kind: EnvelopeKind, count: Int)?
        var seen = 0
        var holding = false
        var held: [(descriptor: Int32, bytes: [UInt8])] = []
        var upstream: [Envelope] = []
        var downstream: [Envelope] = []
        var connections: [Int32] = []
        /// Broker sides of clients that left while their traffic was held: closed after ``release()``.
        var closeOnRelease: [Int32] = []
    }
    private let state: Mutex<State>

    /// Listens on loopback; with `holdAfter`, holds the client's traffic
    /// once that many envelopes of that kind went to the broker.
    init(to targetPort: UInt16, holdAfter rule: (kind: EnvelopeKind, count: Int)? = nil) throws {
        self.targetPort = targetPort
        (listener, port) = try TCP.listen()
        state = Mutex(State(rule: rule))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Whether the client's traffic is being held.
    var isHolding: Bool { state.withLock { $0.holding } }
    /// Envelopes from the client to the broker, in order (held ones included).
    var upstream: [Envelope] { state.withLock { $0.upstream } }
    /// Envelopes from the broker to the client, in order.
    var downstream: [Envelope] { state.withLock { $0.downstream } }

    /// Passes on what was held, and everything from now on.
    func release() {
        state.withLock { state in
            state.rule = nil
            state.holding = false
            for (descriptor, bytes) in state.held { try? TCP.send(descriptor, bytes) }
            state.held = []
            for descriptor in state.closeOnRelease { shutdown(descriptor, Int32(SHUT_RDWR)) }
            state.closeOnRelease = []
        }
    }

    /// Waits at most `timeout` until `condition` holds.
    func waitUntil(timeout: Duration, _ condition: (ZMTPProxy) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(self) {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Stops accepting and cuts every connection.
    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        let connections = state.withLock { $0.connections }
        for descriptor in connections { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        defer { Glibc.close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            guard let broker = try? TCP.connect(port: targetPort) else {
                Glibc.close(client)
                continue
            }
            state.withLock { $0.connections += [client, broker] }
            let pair = ConnectionPair(client: client, broker: broker)
            for upstream in [true, false] {
                let thread = Thread { [self] in
                    pump(from: upstream ? client : broker, to: upstream ? broker : client, upstream: upstream)
                    pair.oneDirectionEnded()
                }
                thread.start()
            }
        }
    }

    private func pump(from source: Int32, to destination: Int32, upstream: Bool) {
        var reader = ZMTPReader()
        while let bytes = TCP.receive(source) {
            let (greeting, frames) = reader.feed(bytes)
            state.withLock { state in
                if !greeting.isEmpty { try? TCP.send(destination, greeting) }
                for frame in frames {
                    let envelopes = frame.envelopes
                    if upstream { state.upstream += envelopes } else { state.downstream += envelopes }
                    if upstream && state.holding {
                        state.held.append((destination, frame.raw))
                        continue
                    }
                    try? TCP.send(destination, frame.raw)
                    if upstream, let rule = state.rule {
                        state.seen += envelopes.filter { $0.kind == rule.kind }.count
                        if state.seen >= rule.count { state.holding = true }
                    }
                }
            }
        }
        // A client that left while held still gets its last messages delivered, on release.
        let deferred = state.withLock { state -> Bool in
            guard upstream, state.holding else { return false }
            state.closeOnRelease.append(destination)
            return true
        }
        if !deferred { shutdown(destination, Int32(SHUT_RDWR)) }
        shutdown(source, Int32(SHUT_RDWR))
    }
}

/// Closes both sockets of a proxied connection once both directions ended.
private final class ConnectionPair: Sendable {
    private let client: Int32
    private let broker: Int32
    private let running = Mutex(2)

    init(client: Int32, broker: Int32) {
        self.client = client
        self.broker = broker
    }

    func oneDirectionEnded() {
        let last = running.withLock { count -> Bool in
            count -= 1
            return count == 0
        }
        if last {
            Glibc.close(client)
            Glibc.close(broker)
        }
    }
}
