/// A socket registered with an event loop, with its outgoing queue.
///
/// Confined to the loop thread (not `Sendable`): created there from an `.add`
/// command and never handed out.
final class LoopSocket {
    /// Why queued messages are not being sent right now.
    enum WriteState: Equatable {
        /// Nothing is blocked: new messages are sent as soon as they arrive.
        case ready
        /// The last send hit the high-water mark; retry on `ZMQ_POLLOUT`.
        case awaitingWritable
        /// `ZMQ_POLLOUT` was reported but the send still blocked (a ROUTER
        /// with `routerMandatory` reports it when *any* peer has room): retry
        /// at `until`, doubling the delay while nothing moves.
        case backoff(until: ContinuousClock.Instant, delay: Duration)
    }

    static let firstBackoff = Duration.milliseconds(1)
    static let maxBackoff = Duration.milliseconds(32)

    let handle: ZMQSocketHandle
    let socket: ZMQSocket
    let callbacks: ZMQEventLoop.Callbacks
    var outbox = FIFO<[[UInt8]]>()
    var writeState = WriteState.ready

    init(handle: ZMQSocketHandle, socket: ZMQSocket, callbacks: ZMQEventLoop.Callbacks) {
        self.handle = handle
        self.socket = socket
        self.callbacks = callbacks
    }

    var isClosed: Bool { !socket.isOpen }

    /// The poll events this socket waits for, and the retry deadline if any.
    var pollInterest: (events: ZMQPollEvents, deadline: ContinuousClock.Instant?) {
        switch writeState {
        case .ready: ([.readable], nil)
        case .awaitingWritable: ([.readable, .writable], nil)
        case .backoff(let until, _): ([.readable], until)
        }
    }

    /// Whether to try sending now, given what the last poll reported.
    func shouldFlush(writable: Bool, now: ContinuousClock.Instant) -> Bool {
        guard !outbox.isEmpty else { return false }
        switch writeState {
        case .ready: return true
        case .awaitingWritable: return writable
        case .backoff(let until, _): return now >= until
        }
    }

    /// Sends queued messages in order until the socket would block.
    /// Messages libzmq refuses for good (e.g. `EHOSTUNREACH`) are dropped and
    /// reported; blocked ones stay queued. Returns (sent, dropped).
    func flush(clock: ContinuousClock) -> (sent: Int, dropped: Int) {
        var sent = 0
        var dropped = 0
        while let message = outbox.first {
            let accepted: Bool
            do {
                accepted = try socket.send(frames: message, dontWait: true)
            } catch {
                outbox.removeFirst()
                dropped += 1
                callbacks.onSendFailure?(message, error)
                continue
            }
            guard accepted else {
                blocked(progressed: sent + dropped > 0, clock: clock)
                return (sent, dropped)
            }
            outbox.removeFirst()
            sent += 1
        }
        writeState = .ready
        return (sent, dropped)
    }

    private func blocked(progressed: Bool, clock: ContinuousClock) {
        switch writeState {
        case .ready:
            writeState = .awaitingWritable
        case .awaitingWritable, .backoff:
            if progressed {
                writeState = .awaitingWritable
            } else {
                var delay = LoopSocket.firstBackoff
                if case .backoff(_, let previous) = writeState { delay = min(previous * 2, LoopSocket.maxBackoff) }
                writeState = .backoff(until: clock.now.advanced(by: delay), delay: delay)
            }
        }
    }
}
