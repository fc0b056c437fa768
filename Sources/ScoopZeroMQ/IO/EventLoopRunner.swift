import CZeroMQ
import Logging

/// The body of the loop thread: polls, applies commands, sends, receives.
///
/// Confined to the loop thread (not `Sendable`): the thread's closure creates
/// it and runs it to the end; nothing else holds it.
final class EventLoopRunner {
    /// Messages received from one socket before looking at the others again.
    static let receiveBatch = 256

    private let shared: EventLoopShared
    private var sockets: [ZMQSocketHandle: LoopSocket] = [:]
    /// Poll order: registration order, so no socket starves the next.
    private var order: [LoopSocket] = []
    private var poller = ZMQPoller()
    private let clock = ContinuousClock()
    private var contextTerminated = false

    init(shared: EventLoopShared) {
        self.shared = shared
    }

    func run() {
        shared.loopThread.store(scoop_thread_self(), ordering: .releasing)
        var stopLinger: Duration?
        while stopLinger == nil && !contextTerminated {
            let polled = order
            guard poll(polled) else { break }
            if poller.events(at: 0).contains(.readable) { shared.wakeup.drain() }
            stopLinger = applyCommands()
            let now = clock.now
            for (index, socket) in polled.enumerated() where !socket.isClosed && socket.writeState != .ready {
                if socket.shouldFlush(writable: poller.events(at: index + 1).contains(.writable), now: now) {
                    flush(socket)
                }
            }
            flushReadySockets()
            for (index, socket) in polled.enumerated()
            where !socket.isClosed && poller.events(at: index + 1).contains(.readable) {
                receive(from: socket)
            }
            // Sends queued by callbacks on this thread skip the wake-up
            // descriptor (see `EventLoopShared.enqueue`): pick them up now.
            stopLinger = applyCommands()
            flushReadySockets()
        }
        let linger = stopLinger ?? .zero
        // After a terminated context nobody asked to stop: refuse later sends now.
        shared.requestStop(linger: linger)
        for command in shared.takeCommands().commands { apply(command) }
        for socket in order { close(socket, linger: linger, reason: "event loop shut down") }
        order = []
        sockets = [:]
        poller.removeAll()
        shared.markExited()
    }

    /// Applies every queued command; returns the stop request, if any.
    private func applyCommands() -> Duration? {
        let (commands, stopLinger) = shared.takeCommands()
        for command in commands { apply(command) }
        return stopLinger
    }

    /// Sends the queues of sockets that are not blocked (new messages, new sockets).
    private func flushReadySockets() {
        for socket in order where socket.writeState == .ready && !socket.outbox.isEmpty {
            flush(socket)
        }
    }

    /// Waits for work; false when the loop must end.
    private func poll(_ polled: [LoopSocket]) -> Bool {
        poller.removeAll()
        poller.register(fileDescriptor: shared.wakeup.readFD, events: .readable)
        var deadline: ContinuousClock.Instant?
        for socket in polled {
            let interest = socket.pollInterest
            poller.register(socket.socket, events: interest.events)
            if let until = interest.deadline { deadline = min(deadline ?? until, until) }
        }
        // Commands queued on this thread after the last drain did not signal
        // the wake-up descriptor: look, but do not sleep.
        let timeout: Duration? = shared.hasCommands ? .zero : deadline.map { clock.now.duration(to: $0) }
        do {
            _ = try poller.poll(timeout: timeout)
            return true
        } catch {
            if !error.isTerminated {
                shared.logger.critical("ZeroMQ event loop stops", metadata: ["error": "\(error)"])
            }
            return false
        }
    }

    private func apply(_ command: EventLoopCommand) {
        switch command {
        case .add(let handle, let transfer, let callbacks):
            let socket = LoopSocket(handle: handle, socket: transfer.socket, callbacks: callbacks)
            sockets[handle] = socket
            order.append(socket)
        case .send(let handle, let frames):
            if let socket = sockets[handle] {
                socket.outbox.append(frames)
            } else {
                shared.queued.subtract(1, ordering: .relaxed)
                shared.dropped.add(1, ordering: .relaxed)
                shared.logger.warning("message for an unknown ZeroMQ socket dropped", metadata: ["socket": "\(handle)"])
            }
        case .perform(let handle, let body):
            if let socket = sockets[handle] { body(socket.socket) }
        case .close(let handle):
            if let socket = sockets.removeValue(forKey: handle) {
                order.removeAll { $0 === socket }
                close(socket, linger: .zero, reason: "socket closed")
            }
        }
    }

    private func flush(_ socket: LoopSocket) {
        let (sent, dropped) = socket.flush(clock: clock)
        shared.queued.subtract(sent + dropped, ordering: .relaxed)
        shared.sent.add(sent, ordering: .relaxed)
        shared.dropped.add(dropped, ordering: .relaxed)
    }

    private func receive(from socket: LoopSocket) {
        for _ in 0..<Self.receiveBatch {
            do {
                guard let message = try socket.socket.receiveMultipart(dontWait: true) else { return }
                shared.received.add(1, ordering: .relaxed)
                socket.callbacks.onMessage(message)
            } catch {
                if error.isTerminated {
                    contextTerminated = true
                } else {
                    shared.logger.error("ZeroMQ receive failed", metadata: ["socket": "\(socket.handle)", "error": "\(error)"])
                }
                return
            }
        }
    }

    /// Sends what still fits without blocking, drops the rest, closes.
    private func close(_ socket: LoopSocket, linger: Duration, reason: String) {
        if !socket.outbox.isEmpty { flush(socket) }
        let unsent = socket.outbox.removeAll()
        if !unsent.isEmpty {
            shared.queued.subtract(unsent.count, ordering: .relaxed)
            shared.dropped.add(unsent.count, ordering: .relaxed)
            shared.logger.warning(
                "unsent ZeroMQ messages dropped",
                metadata: ["socket": "\(socket.handle)", "count": "\(unsent.count)", "reason": "\(reason)"])
            let error = ZMQError(code: ZMQError.wouldBlock, operation: reason)
            for message in unsent { socket.callbacks.onSendFailure?(message, error) }
        }
        try? socket.socket.set(.linger(linger))
        socket.socket.close()
    }
}
