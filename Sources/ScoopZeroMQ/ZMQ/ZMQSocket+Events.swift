import CZeroMQ

extension ZMQSocket {
    /// The descriptor libzmq signals when the socket has news (`ZMQ_FD`), for
    /// waiting in `poll(2)` without holding the socket.
    ///
    /// It is edge-triggered: readable means "look at ``pendingEvents``", and
    /// any call on the socket (a send, a receive, reading `pendingEvents`)
    /// may consume the notice while a message stays queued. Whoever waits on
    /// it must read ``pendingEvents`` after every such call.
    ///
    /// ```swift
    /// let descriptor = try socket.notificationDescriptor
    /// poller.register(fileDescriptor: descriptor, events: .readable)
    /// ```
    public var notificationDescriptor: Int32 {
        get throws(ZMQError) {
            let operation = "zmq_getsockopt(ZMQ_FD)"
            let raw = try open(operation)
            var descriptor: Int32 = -1
            var size = MemoryLayout<Int32>.size
            if zmq_getsockopt(raw, ZMQ_FD, &descriptor, &size) != 0 { throw ZMQError.last(operation) }
            return descriptor
        }
    }

    /// Whether a message can be received or sent now (`ZMQ_EVENTS`). Reading
    /// it processes libzmq's pending commands, which resets
    /// ``notificationDescriptor``.
    ///
    /// ```swift
    /// while try socket.pendingEvents.contains(.readable) {
    ///     handle(try socket.receiveMultipart(dontWait: true))
    /// }
    /// ```
    public var pendingEvents: ZMQPollEvents {
        get throws(ZMQError) {
            let operation = "zmq_getsockopt(ZMQ_EVENTS)"
            let raw = try open(operation)
            var events: Int32 = 0
            var size = MemoryLayout<Int32>.size
            // Processing libzmq's commands may be interrupted by a signal: ask
            // again, a few times (a forked child's socket answers EINTR for ever).
            var attempts = 0
            while zmq_getsockopt(raw, ZMQ_EVENTS, &events, &size) != 0 {
                let error = ZMQError.last(operation)
                attempts += 1
                if error.code != ZMQError.interrupted || attempts >= 8 { throw error }
            }
            return ZMQPollEvents(rawValue: Int16(truncatingIfNeeded: events))
        }
    }
}
