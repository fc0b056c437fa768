import Foundation
import Logging

/// Runs ZeroMQ sockets on one dedicated OS thread and bridges them to any
/// thread or Swift task.
///
/// **Threading contract.** The loop thread owns every socket added to the
/// loop; no other thread touches them. All other methods are thread-safe and
/// never block (except ``shutdown(linger:)``, which waits for the thread):
/// ``send(_:on:)`` appends to a `Mutex`-protected queue and wakes the thread
/// (one eventfd write per batch of sends, not per send). The thread sleeps in
/// `zmq_poll` while idle. It sends each socket's messages in the order they
/// were queued (so one sender's order is kept); a socket at its high-water
/// mark keeps its messages queued and resumes on `ZMQ_POLLOUT` — nothing is
/// dropped and no caller blocks, so the queue is unbounded (watch
/// ``Statistics/queued`` to apply back pressure). Messages are dropped only
/// when libzmq refuses them for good (e.g. `EHOSTUNREACH` from a ROUTER with
/// `routerMandatory` for an unknown peer) or are still queued at shutdown;
/// both are counted and reported to `onSendFailure`.
///
/// Callbacks run **on the loop thread**, one message at a time, in arrival
/// order per socket. They must be quick and must not block: hand the message
/// on (e.g. `continuation.yield(message)` into an `AsyncStream`). They may
/// call ``send(_:on:)``.
///
/// ```swift
/// let context = try ZMQContext()
/// let loop = try ZMQEventLoop(name: "broker")
/// let router = try ZMQSocket(context: context, type: .router)
/// try router.bind("tcp://127.0.0.1:*")
/// let endpoint = try router.lastEndpoint
/// let (messages, continuation) = AsyncStream.makeStream(of: [[UInt8]].self)
/// let handle = loop.addSocket(router) { continuation.yield($0) }
/// for await message in messages {
///     loop.send([message[0], Array("pong".utf8)], on: handle)  // reply to the sender
/// }
/// loop.shutdown()
/// ```
public final class ZMQEventLoop: Sendable {
    /// Called on the loop thread with each received multipart message.
    public typealias MessageHandler = @Sendable ([[UInt8]]) -> Void
    /// Called on the loop thread with a message that will never be sent, and why.
    public typealias SendFailureHandler = @Sendable ([[UInt8]], ZMQError) -> Void

    struct Callbacks: Sendable {
        let onMessage: MessageHandler
        let onSendFailure: SendFailureHandler?
    }

    /// Counters since the loop started.
    public struct Statistics: Sendable, Equatable {
        /// Messages accepted by ``send(_:on:)`` and not yet handed to libzmq.
        public var queued: Int
        /// Messages handed to libzmq.
        public var sent: Int
        /// Messages delivered to `onMessage`.
        public var received: Int
        /// Messages given up (refused by libzmq, unknown socket, pending at close).
        public var dropped: Int

        /// A set of counters, e.g. to compare with ``ZMQEventLoop/statistics``.
        ///
        /// ```swift
        /// #expect(loop.statistics == .init(queued: 0, sent: 10, received: 10, dropped: 0))
        /// ```
        public init(queued: Int, sent: Int, received: Int, dropped: Int) {
            self.queued = queued
            self.sent = sent
            self.received = received
            self.dropped = dropped
        }
    }

    /// The thread's name, for logs and debuggers.
    public let name: String
    private let shared: EventLoopShared

    /// Starts the loop thread.
    ///
    /// ```swift
    /// let loop = try ZMQEventLoop(name: "worker-io")
    /// ```
    public init(name: String, logger: Logger = Logger(label: "scoop.zeromq")) throws(ZMQError) {
        self.name = name
        var logger = logger
        logger[metadataKey: "loop"] = "\(name)"
        let shared = EventLoopShared(wakeup: try WakeupSignal(), logger: logger)
        self.shared = shared
        let thread = Thread { EventLoopRunner(shared: shared).run() }
        thread.name = name
        thread.start()
    }

    /// Stops the thread without waiting if ``shutdown(linger:)`` was not called.
    deinit { shared.requestStop(linger: .zero) }

    /// Hands `socket` (already bound or connected, options set) to the loop
    /// thread, which receives from it and sends what ``send(_:on:)`` queues.
    /// The socket is `sending`: the caller keeps no reference. Read what you
    /// need first, e.g. ``ZMQSocket/lastEndpoint`` after binding to port `*`.
    /// After shutdown the socket is closed at once and the handle is inert.
    ///
    /// ```swift
    /// let dealer = try ZMQSocket(context: context, type: .dealer)
    /// try dealer.connect(brokerEndpoint)
    /// let handle = loop.addSocket(dealer, onMessage: { message in inbox.yield(message) })
    /// ```
    public func addSocket(
        _ socket: sending ZMQSocket,
        onMessage: @escaping MessageHandler,
        onSendFailure: SendFailureHandler? = nil
    ) -> ZMQSocketHandle {
        let transfer = SocketTransfer(socket)
        let callbacks = Callbacks(onMessage: onMessage, onSendFailure: onSendFailure)
        let handle = shared.enqueue { nextID in
            nextID += 1
            let handle = ZMQSocketHandle(id: nextID)
            return ([.add(handle, transfer, callbacks)], handle)
        }
        if let handle { return handle }
        try? transfer.socket.set(.linger(.zero))
        transfer.socket.close()
        return ZMQSocketHandle(id: 0)
    }

    /// Queues one multipart message for the socket and returns at once; the
    /// loop thread sends it after everything queued before it. Returns false
    /// (and does nothing) once the loop is shutting down.
    ///
    /// ```swift
    /// loop.send([workerID, envelope], on: router)
    /// ```
    @discardableResult
    public func send(_ frames: [[UInt8]], on handle: ZMQSocketHandle) -> Bool {
        shared.enqueue(messageCount: 1) { _ in ([.send(handle, frames)], ()) } != nil
    }

    /// Queues several messages with one lock and one wake-up, in order.
    ///
    /// ```swift
    /// loop.send(contentsOf: replies, on: router)
    /// ```
    @discardableResult
    public func send(contentsOf messages: [[[UInt8]]], on handle: ZMQSocketHandle) -> Bool {
        shared.enqueue(messageCount: messages.count) { _ in (messages.map { .send(handle, $0) }, ()) } != nil
    }

    /// Runs `body` with the socket on the loop thread, after the commands
    /// queued before it (e.g. to connect to one more endpoint). Skipped if the
    /// socket is gone. `body` must be quick and must not keep the socket.
    ///
    /// ```swift
    /// loop.perform(on: handle) { socket in try? socket.connect(otherBroker) }
    /// ```
    @discardableResult
    public func perform(on handle: ZMQSocketHandle, _ body: @escaping @Sendable (ZMQSocket) -> Void) -> Bool {
        shared.enqueue { _ in ([.perform(handle, body)], ()) } != nil
    }

    /// Closes one socket on the loop thread after sending what it can of its
    /// queue without blocking (the rest is dropped and reported).
    ///
    /// ```swift
    /// loop.closeSocket(handle)
    /// ```
    public func closeSocket(_ handle: ZMQSocketHandle) {
        _ = shared.enqueue { _ in ([.close(handle)], ()) }
    }

    /// Stops the loop: later sends are refused; commands queued so far are
    /// applied, queued messages are sent as far as possible without blocking
    /// (the rest dropped and reported), every socket is closed with `linger`
    /// (how long the *context* may keep flushing them when it terminates),
    /// and the thread ends. Waits for that, unless called on the loop thread
    /// (from a callback), where it only requests the stop. Idempotent.
    ///
    /// ```swift
    /// loop.shutdown()
    /// context.close()
    /// ```
    public func shutdown(linger: Duration = .milliseconds(100)) {
        shared.requestStop(linger: linger)
        if !isOnLoopThread { shared.waitForExit() }
    }

    /// False once the loop thread has finished.
    public var isRunning: Bool { shared.running.load(ordering: .acquiring) }

    /// Whether the caller runs on this loop's thread (e.g. inside a callback).
    public var isOnLoopThread: Bool { shared.isOnLoopThread }

    /// A snapshot of the counters.
    ///
    /// ```swift
    /// if loop.statistics.queued > 10_000 { await Task.yield() }
    /// ```
    public var statistics: Statistics {
        Statistics(
            queued: shared.queued.load(ordering: .relaxed),
            sent: shared.sent.load(ordering: .relaxed),
            received: shared.received.load(ordering: .relaxed),
            dropped: shared.dropped.load(ordering: .relaxed))
    }
}
