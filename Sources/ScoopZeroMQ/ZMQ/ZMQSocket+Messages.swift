import CZeroMQ

extension ZMQSocket {
    /// Sends one multipart message, one array per frame (empty frames allowed).
    ///
    /// libzmq delivers all frames or none. Only the first frame can hit the
    /// high-water mark, so with `dontWait` the call returns `false` (nothing
    /// sent) when the message would block, and `true` once it is queued in
    /// libzmq. Each frame is copied once, into a `zmq_msg_t`.
    ///
    /// ```swift
    /// let sent = try socket.send(frames: [peerID, [], payload], dontWait: true)
    /// ```
    @discardableResult
    public func send(frames: [[UInt8]], dontWait: Bool = false) throws(ZMQError) -> Bool {
        let operation = "zmq_msg_send(\(type))"
        let raw = try open(operation)
        guard !frames.isEmpty else {
            throw ZMQError(code: ZMQError.invalidArgument, operation: "\(operation): a message needs a frame")
        }
        for index in frames.indices {
            let more = index < frames.count - 1
            // After the first frame the message is committed; later frames never block.
            let flags = (more ? ZMQ_SNDMORE : 0) | (dontWait && index == 0 ? ZMQ_DONTWAIT : 0)
            if try !sendFrame(frames[index], on: raw, flags: flags, operation: operation) {
                return false
            }
        }
        return true
    }

    /// Receives one multipart message, or nil when `dontWait` is set and none is queued.
    ///
    /// ```swift
    /// while let message = try socket.receiveMultipart(dontWait: true) { handle(message) }
    /// ```
    public func receiveMultipart(dontWait: Bool = false) throws(ZMQError) -> [[UInt8]]? {
        let operation = "zmq_msg_recv(\(type))"
        let raw = try open(operation)
        return try withMessage { msg throws(ZMQError) -> [[UInt8]]? in
            zmq_msg_init(msg)
            defer { zmq_msg_close(msg) }
            var frames: [[UInt8]] = []
            while true {
                // Only the first frame can be missing; the rest of a message arrives with it.
                let flags = dontWait && frames.isEmpty ? ZMQ_DONTWAIT : 0
                if zmq_msg_recv(msg, raw, flags) < 0 {
                    let error = ZMQError.last(operation)
                    if error.code == ZMQError.interrupted { continue }
                    if error.isWouldBlock && frames.isEmpty { return nil }
                    throw error
                }
                let size = zmq_msg_size(msg)
                if size == 0 {
                    frames.append([])
                } else {
                    let data = UnsafeRawPointer(zmq_msg_data(msg)!).assumingMemoryBound(to: UInt8.self)
                    frames.append([UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                        buffer.baseAddress!.initialize(from: data, count: size)
                        count = size
                    })
                }
                if zmq_msg_more(msg) == 0 { return frames }
            }
        }
    }

    /// Receives one multipart message, waiting at most `timeout`; nil if none came.
    ///
    /// ```swift
    /// let reply = try socket.receiveMultipart(timeout: .seconds(2))
    /// ```
    public func receiveMultipart(timeout: Duration) throws(ZMQError) -> [[UInt8]]? {
        if let message = try receiveMultipart(dontWait: true) { return message }
        var poller = ZMQPoller()
        poller.register(self, events: .readable)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let remaining = clock.now.duration(to: deadline)
            guard try poller.poll(timeout: max(remaining, .zero)) > 0 else {
                if remaining <= .zero { return nil }
                continue
            }
            if let message = try receiveMultipart(dontWait: true) { return message }
        }
    }

    /// Frames at least this long are handed to libzmq without a copy.
    static let zeroCopyThreshold = 64 << 10

    /// Puts `frame` in a new `zmq_msg_t` and sends it; false on `EAGAIN`.
    /// Small frames are copied; large ones are lent to libzmq (see ``FrameLoan``).
    private func sendFrame(
        _ frame: [UInt8], on raw: UnsafeMutableRawPointer, flags: Int32, operation: String
    ) throws(ZMQError) -> Bool {
        try withMessage { msg throws(ZMQError) -> Bool in
            if frame.count >= Self.zeroCopyThreshold {
                let (data, hint) = FrameLoan.lend(frame)
                if zmq_msg_init_data(msg, data, frame.count, FrameLoan.release, hint) != 0 {
                    FrameLoan.release(data, hint)
                    throw ZMQError.last("zmq_msg_init_data(\(frame.count))")
                }
            } else {
                if zmq_msg_init_size(msg, frame.count) != 0 { throw ZMQError.last("zmq_msg_init_size(\(frame.count))") }
                if !frame.isEmpty {
                    frame.withUnsafeBytes { source in
                        zmq_msg_data(msg)!.copyMemory(from: source.baseAddress!, byteCount: source.count)
                    }
                }
            }
            while zmq_msg_send(msg, raw, flags) < 0 {
                let error = ZMQError.last(operation)
                if error.code == ZMQError.interrupted { continue }
                zmq_msg_close(msg)  // a failed send leaves the message with us
                if error.isWouldBlock { return false }
                throw error
            }
            return true  // libzmq owns the message now
        }
    }

    /// Runs `body` with a `zmq_msg_t` at a fixed address: libzmq keeps small
    /// messages inside the struct, so `zmq_msg_data` points into it.
    private func withMessage<R>(
        _ body: (UnsafeMutablePointer<zmq_msg_t>) throws(ZMQError) -> R
    ) throws(ZMQError) -> R {
        try withUnsafeTemporaryAllocation(of: zmq_msg_t.self, capacity: 1) { buffer throws(ZMQError) -> R in
            try body(buffer.baseAddress!)
        }
    }
}

/// Lends an array's bytes to libzmq for a zero-copy send: a box keeps the
/// array alive (and unmodified: nobody else holds the box) until libzmq's I/O
/// thread calls ``release`` once the bytes are on the wire.
///
/// Relies on a native Swift array's storage being one heap buffer that stays
/// put while a reference to it is held (always true on Linux for non-empty arrays).
enum FrameLoan {
    private final class Box {
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    /// The data pointer and the hint to pass to `zmq_msg_init_data`.
    static func lend(_ bytes: [UInt8]) -> (UnsafeMutableRawPointer, UnsafeMutableRawPointer) {
        let box = Box(bytes)
        let data = box.bytes.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress!) }
        return (data, Unmanaged.passRetained(box).toOpaque())
    }

    /// `zmq_free_fn`: drops the box (any thread).
    static let release: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { _, hint in
        guard let hint else { return }
        Unmanaged<Box>.fromOpaque(hint).release()
    }
}
