import CZeroMQ

/// Waits on several sockets and raw file descriptors at once (`zmq_poll`).
///
/// Not `Sendable`: it holds sockets, and is used on their thread.
///
/// ```swift
/// var poller = ZMQPoller()
/// let socketIndex = poller.register(socket, events: .readable)
/// let wakeIndex = poller.register(fileDescriptor: wakeFD, events: .readable)
/// if try poller.poll(timeout: .milliseconds(100)) > 0,
///    poller.events(at: socketIndex).contains(.readable) {
///     let message = try socket.receiveMultipart(dontWait: true)
/// }
/// ```
public struct ZMQPoller {
    private var items: [zmq_pollitem_t] = []
    /// Keeps the registered sockets alive (and open) while polled.
    private var sockets: [ZMQSocket?] = []

    /// An empty poller.
    public init() {}

    /// The number of registered entries.
    public var count: Int { items.count }

    /// Adds `socket`, waiting for `events`; returns its index.
    ///
    /// ```swift
    /// let index = poller.register(socket, events: [.readable, .writable])
    /// ```
    @discardableResult
    public mutating func register(_ socket: ZMQSocket, events: ZMQPollEvents) -> Int {
        items.append(zmq_pollitem_t(socket: socket.handle, fd: -1, events: events.rawValue, revents: 0))
        sockets.append(socket)
        return items.count - 1
    }

    /// Adds a raw file descriptor (a pipe, an eventfd, a TCP socket), waiting for `events`; returns its index.
    ///
    /// ```swift
    /// let index = poller.register(fileDescriptor: fd, events: .readable)
    /// ```
    @discardableResult
    public mutating func register(fileDescriptor: Int32, events: ZMQPollEvents) -> Int {
        items.append(zmq_pollitem_t(socket: nil, fd: fileDescriptor, events: events.rawValue, revents: 0))
        sockets.append(nil)
        return items.count - 1
    }

    /// Changes what entry `index` waits for.
    ///
    /// ```swift
    /// poller.setEvents([.readable, .writable], at: index)
    /// ```
    public mutating func setEvents(_ events: ZMQPollEvents, at index: Int) {
        items[index].events = events.rawValue
    }

    /// Removes every entry.
    ///
    /// ```swift
    /// poller.removeAll()
    /// ```
    public mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
        sockets.removeAll(keepingCapacity: true)
    }

    /// What happened on entry `index` in the last ``poll(timeout:)``.
    ///
    /// ```swift
    /// let ready = poller.events(at: index).contains(.readable)
    /// ```
    public func events(at index: Int) -> ZMQPollEvents {
        ZMQPollEvents(rawValue: items[index].revents)
    }

    /// Waits until an entry is ready or `timeout` passes (nil: forever;
    /// rounded up to whole milliseconds). Returns the number of ready entries,
    /// 0 on timeout or when a signal interrupted the wait.
    ///
    /// ```swift
    /// let ready = try poller.poll(timeout: .seconds(1))
    /// ```
    public mutating func poll(timeout: Duration?) throws(ZMQError) -> Int {
        for index in items.indices {
            items[index].revents = 0
            if let socket = sockets[index] {
                // A socket closed since registration would be a dangling pointer.
                guard let handle = socket.handle else {
                    throw ZMQError(code: ZMQError.notSocket, operation: "zmq_poll")
                }
                items[index].socket = handle
            }
        }
        let milliseconds = timeout.map(Self.roundedUpMilliseconds) ?? -1
        let ready = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), milliseconds) }
        if ready < 0 {
            let error = ZMQError.last("zmq_poll")
            if error.code == ZMQError.interrupted { return 0 }
            throw error
        }
        return Int(ready)
    }

    static func roundedUpMilliseconds(_ duration: Duration) -> Int {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        guard !ms.overflow, ms.partialValue < Int64(Int32.max) else { return Int(Int32.max) }
        return Int(ms.partialValue + (attoseconds + perMillisecond - 1) / perMillisecond)
    }
}
