import CZeroMQ
import Dispatch
import Logging
import ScoopCore
import Synchronization

/// One ZeroMQ socket that every thread sends on itself, while a dedicated
/// reader thread waits for what arrives: a process's link to the broker.
///
/// With a ``ZMQEventLoop`` a send from a future's thread wakes the loop
/// thread only for it to hand the message to libzmq; a remote round trip on
/// ZeroMQ crosses two such hand-offs (the submitter's, the runner's). Here
/// the sender hands the message to libzmq itself, and libzmq's I/O thread
/// writes it.
///
/// **Threading contract.** Every libzmq call on the socket is made under one
/// mutex: libzmq sockets are not thread-safe, and the mutex is the full
/// memory barrier libzmq asks for when a socket changes threads. No libzmq
/// call blocks under it (all are `ZMQ_DONTWAIT`).
/// - ``send(_:)`` may be called from any thread, concurrently. It never
///   blocks on the network: a message that meets the high-water mark is
///   queued, every later one queues behind it (one sender's order is kept),
///   and the reader sends them when the socket is writable again.
/// - The reader sleeps in `zmq_poll` on two raw descriptors, the socket's
///   ``ZMQSocket/notificationDescriptor`` and a wake-up descriptor, without
///   the mutex. That descriptor is edge-triggered: a sender's call may
///   consume the notice of a message that arrived, so after each send the
///   sender reads the socket's events and wakes the reader if one waits (a
///   sender whose call failed wakes it unasked). Under the mutex the reader
///   takes at most 32 messages and sends at most 64 queued ones per turn,
///   so a sender waits for the mutex no longer than that.
/// - `onMessage` runs on the reader thread, outside the mutex, one message
///   at a time in arrival order. It must be quick; it may call ``send(_:)``.
///
/// ```swift
/// let dealer = try ZMQSocket(context: context, type: .dealer)
/// try dealer.connect(brokerEndpoint)
/// let link = try DirectSendSocket(dealer, name: "scoop-worker-1", logger: logger) { message in
///     inbox.yield(message)
/// }
/// link.send([Array("hello".utf8)])   // on the calling thread
/// link.shutdown(linger: .seconds(2))
/// ```
final class DirectSendSocket: Sendable {
    /// Called on the reader thread with each received multipart message.
    typealias MessageHandler = @Sendable ([[UInt8]]) -> Void
    /// Called once on the reader thread, after the socket closed, when the
    /// reader stopped without ``shutdown(linger:)`` (why, for the log).
    typealias StopHandler = @Sendable (String) -> Void

    private let shared: DirectSendShared

    /// Takes the socket (connected or bound, options set) and starts the
    /// reader thread, named `name` (for `top -H`, `perf` and debuggers).
    /// `onUnexpectedStop` hears of a reader that stopped on
    /// its own (its poll failed, the context was terminated under it): the
    /// link is gone, and sends are refused from then on.
    init(_ socket: sending ZMQSocket, name: String, logger: Logger,
         onUnexpectedStop: StopHandler? = nil,
         onMessage: @escaping MessageHandler) throws(ZMQError) {
        let descriptor = try socket.notificationDescriptor
        let shared = DirectSendShared(socket: socket, descriptor: descriptor, wakeup: try WakeupSignal(),
                                      logger: logger, onMessage: onMessage, onUnexpectedStop: onUnexpectedStop)
        self.shared = shared
        if let code = DetachedThread.spawn({ shared.runReader(name: name) }) {
            shared.closeWithoutReader()
            throw ZMQError(code: code, operation: "pthread_create(\(name))")
        }
    }

    /// Stops the reader without waiting if ``shutdown(linger:)`` was not called.
    deinit { shared.requestStop(linger: .zero) }

    /// Hands one multipart message to libzmq on the calling thread (or queues
    /// it behind messages waiting for the high-water mark). False once the
    /// socket is shutting down or libzmq refused it for good (logged).
    ///
    /// ```swift
    /// link.send([envelope.encoded()])
    /// ```
    @discardableResult
    func send(_ frames: [[UInt8]]) -> Bool { shared.send(frames) }

    /// Stops: later sends are refused, queued messages are handed to libzmq
    /// as far as they go without blocking (the rest dropped and logged), and
    /// the socket is closed with `linger` (how long the context may keep
    /// flushing it when it terminates). Waits for the reader thread unless
    /// called on it. Idempotent.
    ///
    /// ```swift
    /// link.shutdown(linger: .seconds(2))
    /// context.close()
    /// ```
    func shutdown(linger: Duration) {
        shared.requestStop(linger: linger)
        if !shared.isOnReaderThread { shared.waitForExit() }
    }

    /// Messages waiting for the high-water mark (tests, diagnostics).
    var backlogCount: Int { shared.backlogCount }

    /// Times the reader went to sleep waiting for news (tests: an idle link
    /// sleeps once, a spinning one never does).
    var readerSleeps: Int { shared.sleeps.load(ordering: .relaxed) }
}

/// What the reader thread and the senders share: the socket behind the
/// mutex, the wake-up descriptor and the stop request.
final class DirectSendShared: Sendable {
    /// Messages received, and backlog messages sent, per turn of the reader
    /// under the mutex: senders wait for it no longer than that.
    static let receiveBatch = 32
    static let flushBatch = 64

    private struct State {
        /// Nil once closed.
        var socket: ZMQSocket?
        /// Messages that met the high-water mark, oldest first.
        var backlog = FIFO<[[UInt8]]>()
        var stopLinger: Duration?
        /// Why the reader stopped when nobody asked it to (cleared by a
        /// later ``DirectSendShared/requestStop(linger:)``).
        var unexpectedStop: String?
    }

    /// `State` holds a socket, which is not `Sendable`: it is only ever
    /// touched inside `withLock` (the threading contract above).
    private let state: Mutex<State>
    private let descriptor: Int32
    private let wakeup: WakeupSignal
    private let logger: Logger
    private let onMessage: DirectSendSocket.MessageHandler
    private let onUnexpectedStop: DirectSendSocket.StopHandler?
    private let readerThread = Atomic<UInt>(0)
    /// Times the reader went to sleep in `zmq_poll` (tests: an idle link must sleep, not spin).
    let sleeps = Atomic<Int>(0)
    private let exited = DispatchSemaphore(value: 0)

    init(socket: sending ZMQSocket, descriptor: Int32, wakeup: WakeupSignal, logger: Logger,
         onMessage: @escaping DirectSendSocket.MessageHandler, onUnexpectedStop: DirectSendSocket.StopHandler?) {
        self.state = Mutex(State(socket: socket))
        self.descriptor = descriptor
        self.wakeup = wakeup
        self.logger = logger
        self.onMessage = onMessage
        self.onUnexpectedStop = onUnexpectedStop
    }

    var isOnReaderThread: Bool { readerThread.load(ordering: .acquiring) == scoop_thread_self() }

    var backlogCount: Int { state.withLock { $0.backlog.count } }

    // MARK: Senders (any thread)

    func send(_ frames: [[UInt8]]) -> Bool {
        // A message needs a frame: refused here, it could never leave the backlog.
        guard !frames.isEmpty else { return false }
        let (accepted, failure, wakeReader): (Bool, ZMQError?, Bool) = state.withLock { state in
            guard state.stopLinger == nil, let socket = state.socket else { return (false, nil, false) }
            guard state.backlog.isEmpty else {
                // The reader waits for the socket to be writable: stay behind the others.
                state.backlog.append(frames)
                return (true, nil, false)
            }
            let accepted: Bool
            do throws(ZMQError) {
                if !(try socket.send(frames: frames, dontWait: true)) { state.backlog.append(frames) }
                accepted = true
            } catch {
                // The reader reads the socket's events next: a failed call
                // may have consumed a notice too, and a terminated context
                // must reach it.
                return (false, error, true)
            }
            // The send may have consumed the descriptor's notice of a message
            // that arrived (or of room to write): pass it on. If the events
            // cannot be read, the reader reads them.
            guard let events = try? socket.pendingEvents else { return (accepted, nil, true) }
            let wake = events.contains(.readable) || (!state.backlog.isEmpty && events.contains(.writable))
            return (accepted, nil, wake)
        }
        if wakeReader { wakeup.signal() }
        if let failure, !failure.isTerminated {
            logger.error("ZeroMQ send failed: message dropped", metadata: ["error": "\(failure)"])
        }
        return accepted
    }

    // MARK: Reader thread

    func runReader(name: String) {
        DetachedThread.nameCurrentThread(name)
        readerThread.store(scoop_thread_self(), ordering: .releasing)
        var poller = ZMQPoller()
        poller.register(fileDescriptor: descriptor, events: .readable)
        let wakeIndex = poller.register(fileDescriptor: wakeup.readFD, events: .readable)
        var linger = Duration.zero
        while true {
            let (messages, stop, more) = pump()
            for message in messages { onMessage(message) }
            if let stop {
                linger = stop
                break
            }
            // A full batch, or news the socket reported: look again without sleeping.
            if more { continue }
            sleeps.add(1, ordering: .relaxed)
            do {
                _ = try poller.poll(timeout: nil)
            } catch {
                logger.critical("ZeroMQ reader stops", metadata: ["error": "\(error)"])
                _ = state.withLock { Self.stopOnItsOwn(&$0, because: "zmq_poll failed: \(error)") }
                break
            }
            if poller.events(at: wakeIndex).contains(.readable) { wakeup.drain() }
        }
        close(linger: linger)
        let unexpected = state.withLock { $0.unexpectedStop }
        readerThread.store(0, ordering: .releasing)  // thread ids are reused
        exited.signal()
        if let unexpected { onUnexpectedStop?(unexpected) }
    }

    /// Under the mutex: receives what has arrived (up to a batch), then sends
    /// the backlog if the socket has room. Returns the messages, the stop
    /// request (also set when the context was terminated) and whether there
    /// is more to do at once (the reader must not sleep).
    private func pump() -> (messages: [[[UInt8]]], stop: Duration?, more: Bool) {
        state.withLock { state in
            guard let socket = state.socket else { return ([], state.stopLinger ?? .zero, false) }
            if let stop = state.stopLinger { return ([], stop, false) }
            var messages: [[[UInt8]]] = []
            var flushed = 0
            do throws(ZMQError) {
                while messages.count < Self.receiveBatch, let message = try socket.receiveMultipart(dontWait: true) {
                    messages.append(message)
                }
            } catch {
                if error.isTerminated { return (messages, Self.stopOnItsOwn(&state, because: Self.terminated), false) }
                // No other receive error is expected of a DEALER; retrying one
                // that persists would spin. The link is gone: say so and stop.
                logger.critical("ZeroMQ receive failed: the reader stops", metadata: ["error": "\(error)"])
                return (messages, Self.stopOnItsOwn(&state, because: "zmq_msg_recv failed: \(error)"), false)
            }
            if !state.backlog.isEmpty, (try? socket.pendingEvents)?.contains(.writable) == true {
                flushed = flush(&state.backlog, on: socket)
            }
            // The last call on the socket: every call before it may have
            // consumed the descriptor's notice of a message or of room to
            // write, and anything later signals the descriptor anew. So
            // sleep only if this says there is nothing to do (or cannot
            // say: then the descriptor is all there is to wait on).
            let events: ZMQPollEvents
            do throws(ZMQError) {
                events = try socket.pendingEvents
            } catch {
                if error.isTerminated { return (messages, Self.stopOnItsOwn(&state, because: Self.terminated), false) }
                return (messages, nil, false)
            }
            let more = messages.count == Self.receiveBatch || flushed == Self.flushBatch
                || events.contains(.readable) || (!state.backlog.isEmpty && events.contains(.writable))
            return (messages, nil, more)
        }
    }

    private static let terminated = "the ZeroMQ context was terminated"

    /// The reader must stop though nobody asked it to (unless a stop was
    /// asked for already: then that one stands): records why, for
    /// `onUnexpectedStop`. Returns the linger to close with.
    private static func stopOnItsOwn(_ state: inout State, because reason: String) -> Duration {
        if let requested = state.stopLinger { return requested }
        state.unexpectedStop = reason
        state.stopLinger = .zero
        return .zero
    }

    /// Sends backlog messages in order until one would block, at most
    /// `limit`; returns how many left the backlog. A message libzmq refuses
    /// for good is dropped and logged (it would hold up every later one).
    @discardableResult
    private func flush(_ backlog: inout FIFO<[[UInt8]]>, on socket: ZMQSocket, limit: Int = flushBatch) -> Int {
        var count = 0
        while count < limit, let message = backlog.first {
            do throws(ZMQError) {
                guard try socket.send(frames: message, dontWait: true) else { return count }
            } catch {
                if error.isTerminated { return count }
                logger.error("ZeroMQ send failed: queued message dropped", metadata: ["error": "\(error)"])
            }
            backlog.removeFirst()
            count += 1
        }
        return count
    }

    /// Sends what fits, drops the rest, closes the socket.
    private func close(linger: Duration) {
        let unsent = state.withLock { state -> Int in
            state.stopLinger = state.stopLinger ?? linger
            guard let socket = state.socket else { return 0 }
            flush(&state.backlog, on: socket, limit: .max)
            let unsent = state.backlog.count
            state.backlog = FIFO()
            try? socket.set(.linger(linger))
            socket.close()
            state.socket = nil
            return unsent
        }
        if unsent > 0 {
            logger.warning("unsent ZeroMQ messages dropped at shutdown", metadata: ["count": "\(unsent)"])
        }
    }

    /// Closes the socket when no reader thread could be started.
    func closeWithoutReader() {
        close(linger: .zero)
        exited.signal()
    }

    // MARK: Stopping

    /// Later sends are refused; the reader closes the socket and ends.
    func requestStop(linger: Duration) {
        let first = state.withLock { state -> Bool in
            state.unexpectedStop = nil  // asked for: not reported as unexpected
            guard state.stopLinger == nil else { return false }
            state.stopLinger = linger
            return true
        }
        if first { wakeup.signal() }
    }

    func waitForExit() {
        exited.wait()
        exited.signal()  // let the next waiter through too
    }
}
